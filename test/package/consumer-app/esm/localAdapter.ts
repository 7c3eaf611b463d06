// A user's own adapter module, loaded by main.ts through importAdapter with a relative specifier.
import { createMessage, type ConsciousMessage } from 'infrastructure-consciousness/firecircle';

export class LocalAdapter {
  readonly providerName = 'local-file';

  sendMessage(message: ConsciousMessage): Promise<ConsciousMessage> {
    return Promise.resolve(
      createMessage({ role: 'assistant', content: `local heard: ${message.content.text}` }),
    );
  }
}
