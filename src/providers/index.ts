export * from './types.js';
export { openAICompatible, classifyError, type OpenAICompatibleOptions } from './openai.js';
export { randomProvider, randomAnswer, RANDOM_MODEL, RANDOM_DISPLAY_NAME } from './random.js';
export { withRateLimit, type RateLimitOptions, type LimitedProvider } from './limit.js';
export { withRetry, backoffDelay, type RetryOptions } from './retry.js';
