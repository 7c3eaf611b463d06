/** The Fire Circle protocol (messages, the adapter contract, consciousness signatures) and reference adapters. */
export {
  MESSAGE_TYPES,
  MessageTypeSchema,
  MessageRoleSchema,
  MessageStatusSchema,
  MessageContentSchema,
  ConsciousnessMetadataSchema,
  ConsciousMessageSchema,
  createMessage,
  type MessageType,
  type MessageRole,
  type MessageStatus,
  type MessageContent,
  type ConsciousnessMetadata,
  type ConsciousMessage,
  type ConsciousMessageInput,
  type ConsciousMessageLike,
  type ConsciousMessageDraft,
  type CreateMessageOptions,
} from './ConsciousMessage.js';
export { replyMetadata, type ReplyMetadata, type ReplyUsage } from './ReplyMetadata.js';
export {
  ModelCapabilitiesSchema,
  TokensBalanceSchema,
  AdapterHealthCheckSchema,
  type ModelCapabilities,
  type TokensBalance,
  type AdapterHealthCheck,
  type MessageCallOptions,
  type ConsciousModelAdapter,
} from './ConsciousModelAdapter.js';
export {
  estimateConsciousnessSignature,
  BASE_SIGNATURE,
  DEFAULT_BASE_SIGNATURE,
  PATTERN_BONUS,
  MAX_PATTERN_BONUSES,
  LENGTH_BONUS,
  SATURATING_LENGTH,
  REFLECTIVE_BONUS,
  SIGNATURE_PATTERNS,
  REFLECTIVE_WORDS,
  type ConsciousnessEstimate,
  type EstimateOptions,
} from './estimateConsciousnessSignature.js';
export {
  ConsciousMessageShapeSchema,
  HealthCheckShapeSchema,
  StreamChunkSchema,
  CONTRACT_RESPONSE_SCHEMAS,
  CONTRACT_CHUNK_SCHEMAS,
  CONTRACT_METHODS,
  healthFlag,
} from './contractSchemas.js';
export {
  OpenAICompatibleAdapter,
  OpenAICompatibleAdapterOptionsSchema,
  type OpenAICompatibleAdapterOptions,
  type OpenAICompatibleClient,
  type OpenAIClientConfig,
  type OpenAIClientFactory,
} from './adapters/OpenAICompatibleAdapter.js';
export {
  OPENAI_COMPATIBLE_PROVIDERS,
  OPENAI_COMPATIBLE_PROFILES,
  type OpenAICompatibleProvider,
  type OpenAICompatibleProviderProfile,
} from './adapters/OpenAICompatibleProviders.js';
export {
  AnthropicAdapter,
  AnthropicAdapterOptionsSchema,
  ANTHROPIC_DEFAULT_BASE_URL,
  ANTHROPIC_DEFAULT_MODEL,
  ANTHROPIC_DEFAULT_MAX_TOKENS,
  type AnthropicAdapterOptions,
  type AnthropicClient,
  type AnthropicClientConfig,
  type AnthropicClientFactory,
} from './adapters/AnthropicAdapter.js';
export {
  createAdapter,
  FIRE_CIRCLE_PROVIDERS,
  type FireCircleProvider,
  type CreateAdapterOptions,
  type AdapterFor,
} from './adapters/createAdapter.js';
export { SdkAdapterOptionsSchema, type AdapterEnv } from './adapters/SdkAdapterOptions.js';
export { MissingApiKeyError } from './adapters/MissingApiKeyError.js';
export { ReciprocityLedger } from './adapters/ReciprocityLedger.js';
