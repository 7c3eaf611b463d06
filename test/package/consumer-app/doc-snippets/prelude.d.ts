// The free names of the TypeScript blocks in README.md and docs/*.md, declared once (a global
// script, no imports): what the surrounding prose says a reader already has. Blocks are
// type-checked against the packed package by test/package/docSnippets.ts; a block's own imports
// and declarations shadow these.

// Entry points the prose imports once (README "Install"); later blocks use them without imports.
declare const withConsciousness: typeof import('infrastructure-consciousness').withConsciousness;
declare const failureOf: typeof import('infrastructure-consciousness').failureOf;
declare const InfrastructureConsciousness: typeof import('infrastructure-consciousness').InfrastructureConsciousness;
declare const OpenAI: typeof import('openai').default;
declare const Anthropic: typeof import('@anthropic-ai/sdk').default;

// The application's own objects.
declare const infrastructure: import('infrastructure-consciousness').InfrastructureConsciousness;
declare const deepseekAdapter: import('infrastructure-consciousness/firecircle').OpenAICompatibleAdapter;
declare const openaiAdapter: import('infrastructure-consciousness/firecircle').OpenAICompatibleAdapter;
declare const deepseek: import('infrastructure-consciousness/firecircle').OpenAICompatibleAdapter;
declare const message: import('infrastructure-consciousness/firecircle').ConsciousMessage;
declare const dialogueContext: readonly import('infrastructure-consciousness/firecircle').ConsciousMessage[];
declare const meterProvider: import('@opentelemetry/api').MeterProvider;

// Request parameters of the official SDKs.
declare const baseURL: string;
declare const model: string;
declare const messages: import('openai').default.Chat.ChatCompletionMessageParam[];
declare const body: import('openai').default.Chat.ChatCompletionCreateParamsNonStreaming;
declare const input: import('openai').default.EmbeddingCreateParams;
declare const params: import('@anthropic-ai/sdk').default.MessageStreamParams;
declare function print(text: string): void;
