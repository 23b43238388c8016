import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExam } from '../../src/exam/registry.js';
import { buildPrompt, imageMime, systemPrompt, userText } from '../../src/prompt/prompt.js';
import type { Question } from '../../src/exam/types.js';
import { DATA_ROOT, JMLE2026_DIR } from '../helpers/data.js';

const { exam } = loadExam({ exam: '120', dataDir: DATA_ROOT });
const q = (id: string) => exam.byId.get(id) as Question;

describe('prompts identical to the reference harness', () => {
  it('choice questions: n to select and the example a / a,c / a,c,e', () => {
    const head = 'あなたは医師国家試験を解く医学の専門家です。\n';
    const tail = '\n\n最終回答は必ず以下の形式で出力してください:\n【回答】';
    expect(systemPrompt({ type: 'multiple_choice', selectCount: 1 })).toBe(`${head}問題を読み、正解を1つ選んでください。${tail}a`);
    expect(systemPrompt({ type: 'multiple_choice', selectCount: 2 })).toBe(`${head}問題を読み、正解を2つ選んでください。${tail}a,c`);
    expect(systemPrompt({ type: 'multiple_choice', selectCount: 3 })).toBe(`${head}問題を読み、正解を3つ選んでください。${tail}a,c,e`);
  });
  it('calculation questions', () => {
    expect(systemPrompt(q('120A-74'))).toBe(
      'あなたは医師国家試験を解く医学の専門家です。\n問題を読み、数値で回答してください。\n\n最終回答は必ず以下の形式で出力してください:\n【回答】3.14',
    );
  });
  it('user text: serial context, an empty line, then the question', () => {
    const raw = (
      JSON.parse(readFileSync(join(JMLE2026_DIR, 'jmle2026_dataset.json'), 'utf8')) as {
        question_id: string;
        question_text: string;
        serial_group?: { context_text: string };
      }[]
    ).find((e) => e.question_id === '120B-41');
    expect(userText(q('120B-41'))).toBe(`${raw?.serial_group?.context_text}\n\n${raw?.question_text}`);
    expect(userText(q('120A-1'))).toBe(q('120A-1').text);
  });
  it('vision mode appends each image as a PNG data URL; blind and skip send text only', () => {
    const withImages = exam.questions.find((x) => x.images.length === 2) as Question;
    const vision = buildPrompt(exam, withImages, 'vision');
    const content = vision.messages[1]?.content as { type: string; image_url?: { url: string } }[];
    expect(content.map((p) => p.type)).toEqual(['text', 'image_url', 'image_url']);
    const bytes = readFileSync(join(JMLE2026_DIR, 'images', withImages.images[0] as string));
    expect(content[1]?.image_url?.url).toBe(`data:image/png;base64,${bytes.toString('base64')}`);
    const blind = buildPrompt(exam, withImages, 'blind');
    expect((blind.messages[1]?.content as unknown[]).length).toBe(1);
    expect(blind.messages[0]).toEqual({ role: 'system', content: systemPrompt(withImages) });
  });
  it("a data URL names the image's real type (a source may ship JPEGs; the loaders accept them)", () => {
    expect(imageMime('120A-16_1.png')).toBe('image/png');
    expect(imageMime('119A15-1.JPG')).toBe('image/jpeg');
    expect(imageMime('x.jpeg')).toBe('image/jpeg');
    expect(imageMime('x.gif')).toBe('image/gif');
  });
});
