/**
 * The broker URLs to try, in order: one URL, a comma-separated list of them (as
 * KLEPAAS_RABBITMQ_URL takes it), or an array. Every connection of ours moves on to the next
 * URL when one fails, so a list of a cluster's nodes survives the loss of any one of them.
 */
export function brokerUrls(url: string | string[]): string[] {
  const urls = (Array.isArray(url) ? url : url.split(',')).map((u) => u.trim()).filter(Boolean);
  if (urls.length === 0) throw new Error('no broker URL given');
  return urls;
}

/** The same heartbeat and reconnect pace for every connection of ours. */
export const BROKER_SOCKET_OPTIONS = { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1 };
