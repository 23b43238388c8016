/**
 * The words a result file uses for what scored it: the extraction rules and
 * the official verdicts. Plain constants, so that modules which only need the
 * words (extraction, the verdict, a fresh run) do not load the schema library.
 */

/** How answers are read: jmle-bench's rule, or the reference harness's exactly. */
export const EXTRACTION_RULES = ['jmle-bench', 'reference'] as const;
export type ExtractionRule = (typeof EXTRACTION_RULES)[number];

/** The official verdict of a run (scoring/verdict.ts says how it is reached). */
export const VERDICTS = ['pass', 'fail', 'pass-unless-kinki', 'incomplete'] as const;
export type Verdict = (typeof VERDICTS)[number];
