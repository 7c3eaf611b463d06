import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the scripted server does with one request. */
export interface ScriptedReply {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body; for 200 without body, a chat completion with `text` is sent. */
  body?: unknown;
  /** Assistant text of the default chat completion. */
  text?: string;
  /** Respond with SSE chunks (one per string); cut the connection after `cutAfter` chunks. */
  stream?: { chunks: string[]; cutAfter?: number };
  /** Destroy the socket without answering. */
  reset?: boolean;
  /** Wait before answering. */
  delayMs?: number;
}

/** A loopback HTTP server speaking enough of OpenAI's chat-completions wire format for tests. */
export interface ScriptedServer {
  readonly url: string;
  readonly port: number;
  /** Requests received so far. */
  readonly requests: { path: string; body: unknown; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

function completion(text: string | null): unknown {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1,
    model: 'test-model',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function chunk(text: string): string {
  const payload = {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'test-model',
    choices: [{ index: 0, delta: { content: text }, finish_reason: null }],
  };
  return `data: ${JSON.stringify(payload)}\n\n`;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  const text = Buffer.concat(parts).toString('utf8');
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

/** Starts the server on 127.0.0.1 with a free port; `script(n)` decides the n-th (0-based) reply. */
export async function startScriptedServer(script: (n: number) => ScriptedReply): Promise<ScriptedServer> {
  const requests: ScriptedServer['requests'] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
      const n = requests.length;
      requests.push({ path: req.url ?? '', body, headers: req.headers });
      const reply = script(n);
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (reply.reset) {
        req.socket.destroy();
        return;
      }
      const status = reply.status ?? 200;
      if (reply.stream) {
        res.writeHead(status, { 'content-type': 'text/event-stream', ...reply.headers });
        const { chunks, cutAfter } = reply.stream;
        for (let i = 0; i < chunks.length; i++) {
          if (cutAfter !== undefined && i >= cutAfter) {
            await new Promise((r) => setTimeout(r, 10));
            req.socket.destroy();
            return;
          }
          res.write(chunk(chunks[i]!));
        }
        res.end('data: [DONE]\n\n');
        return;
      }
      const payload =
        reply.body !== undefined
          ? reply.body
          : status === 200
            ? completion(reply.text ?? 'hello')
            : { error: { message: `scripted ${status}`, type: 'scripted_error', code: null } };
      res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
      res.end(JSON.stringify(payload));
    })();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (for connection-refused tests). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
