import { request } from 'undici';

export interface ServerSentEvent {
  event?: string;
  id?: string;
  data?: any;
}

export interface OpenStream {
  status: number;
  contentType?: string;
  events: ServerSentEvent[];
  comments: string[];
  ended: boolean;
  body?: any;
  close(): void;
}

/** A server-sent events client, as a dashboard's EventSource reads the stream. */
export async function openStream(url: string, token?: string): Promise<OpenStream> {
  const controller = new AbortController();
  const res = await request(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: controller.signal,
  });
  const stream: OpenStream = {
    status: res.statusCode,
    contentType: String(res.headers['content-type']),
    events: [],
    comments: [],
    ended: false,
    close: () => controller.abort(),
  };
  if (res.statusCode !== 200) {
    stream.body = JSON.parse(await res.body.text());
    stream.ended = true;
    return stream;
  }
  void (async () => {
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += chunk.toString();
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event: ServerSentEvent = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) stream.comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) event.event = line.slice(7);
            else if (line.startsWith('id: ')) event.id = line.slice(4);
            else if (line.startsWith('data: ')) event.data = JSON.parse(line.slice(6));
          }
          if (event.event) stream.events.push(event);
        }
      }
    } catch {
      // aborted by the test
    }
    stream.ended = true;
  })();
  return stream;
}
