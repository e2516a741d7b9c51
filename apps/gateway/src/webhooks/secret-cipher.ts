// The cipher lives in @klepaas/auth: the runner opens the Slack destinations the gateway seals.
export { newWebhookSecret, SecretCipher } from '@klepaas/auth';
