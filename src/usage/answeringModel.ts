type Fields = Record<string, unknown>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The model a result says answered, read without changing it: a Fire Circle reply's
 * `metadata.model` (the reference adapters' model, as `tokens_total` labels it) or
 * `metadata.responseModel`, an SDK result's `model` (chat completion, Responses API response,
 * Anthropic message). Undefined when it names none or is not an object; never throws.
 */
export function answeringModel(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return undefined;
  try {
    const owner = result as Fields;
    const metadata = owner.metadata;
    if (typeof metadata === 'object' && metadata !== null) {
      const m = metadata as Fields;
      const model = text(m.model) ?? text(m.responseModel);
      if (model !== undefined) return model;
    }
    return text(owner.model);
  } catch {
    // A throwing getter on an odd result: no model, and the call is not disturbed.
    return undefined;
  }
}
