import OpenAI from 'openai';

/** A minimal Fire Circle voice built on the official openai client (test support). */
export class OpenAIVoice {
  readonly providerName: string;
  constructor(
    readonly client: OpenAI,
    name = 'openai',
  ) {
    this.providerName = name;
  }

  async sendMessage(message: { content: { text: string } }): Promise<{ content: { text: string } }> {
    const r = await this.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: message.content.text }],
    });
    return { content: { text: r.choices[0]?.message.content as string } };
  }

  async *streamMessage(message: { content: { text: string } }): AsyncGenerator<string> {
    const stream = await this.client.chat.completions.create({
      model: 'test-model',
      messages: [{ role: 'user', content: message.content.text }],
      stream: true,
    });
    for await (const part of stream) {
      const text = part.choices[0]?.delta?.content;
      if (text) yield text;
    }
  }

  async checkHealth(): Promise<{ isConnected: boolean }> {
    return { isConnected: true };
  }
}

/** An openai client on a test server, with the SDK's own retries off so ours are measured. */
export function testClient(baseURL: string, apiKey = 'sk-test-secret-key-1234567890'): OpenAI {
  return new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 10_000 });
}
