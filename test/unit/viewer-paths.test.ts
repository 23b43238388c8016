import { describe, expect, it } from 'vitest';
import { localPathsOut } from '../../src/viewer/load.js';

/** The viewer publishes reasons and warnings (page, API, exported site): never a local path. */
describe('localPathsOut', () => {
  it('names a file by its base name, however the folder was given', () => {
    // The loader joins paths (`./results` + `a.json` → `results/a.json`): the folder as given no longer matches.
    expect(localPathsOut('results/a.json: not valid JSON', './results', 'results/a.json')).toBe('a.json: not valid JSON');
    expect(localPathsOut('/home/u/results/a.json: not valid JSON', '/home/u//results', '/home/u/results/a.json')).toBe('a.json: not valid JSON');
  });

  it('strips the folder from any other file it names', () => {
    expect(localPathsOut('same model as /r/b.json', '/r', '/r/a.json')).toBe('same model as b.json');
    expect(localPathsOut('same model as /r/b.json', '/r/')).toBe('same model as b.json');
  });
});
