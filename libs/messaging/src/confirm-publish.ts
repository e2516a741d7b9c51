import type { Channel, ConfirmChannel, Options } from 'amqplib';

/** Publishes on a confirm channel and resolves only once the broker has taken the message. */
export function publishConfirmed(
  channel: Channel,
  exchange: string,
  routingKey: string,
  content: Buffer,
  options: Options.Publish,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const confirm = channel as ConfirmChannel;
    confirm.publish(exchange, routingKey, content, options, (error) => (error ? reject(error) : resolve()));
  });
}
