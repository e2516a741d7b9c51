// The environment and the banner of `npm start` (scripts/start.js), apart so they can be tested.
const { generateKeyPairSync } = require('node:crypto');

/** The sandbox's fixed development credentials (README): never use them outside sandbox mode. */
const SANDBOX_DEFAULTS = {
  KLEPAAS_NCP_ACCESS_KEY: 'sandbox-access-key',
  KLEPAAS_NCP_SECRET_KEY: 'sandbox-secret-key',
  KLEPAAS_NCP_SOURCECOMMIT_USERNAME: 'sandbox-git',
  KLEPAAS_NCP_SOURCECOMMIT_PASSWORD: 'sandbox-git-password',
  KLEPAAS_JWT_SECRET: 'sandbox-development-jwt-secret',
  KLEPAAS_GITHUB_APP_WEBHOOK_SECRET: 'sandbox-app-webhook-secret',
  KLEPAAS_GITHUB_APP_ID: '424242',
};

/** The sandbox's development GitHub user (apps/sandbox SANDBOX_DEFAULTS): admin of every sandbox repository. */
const SANDBOX_DEVELOPER = { github_user_id: 100001, github_login: 'sandbox-developer' };

/**
 * The original dashboard's admin login (docs/compat.md), on in sandbox mode: the gateway gives
 * it the development password (SANDBOX_ADMIN_PASSWORD in libs/config) unless a hash is set, and
 * its tokens name the development GitHub user, so the dashboard can connect sandbox repositories.
 */
const SANDBOX_ADMIN_LOGIN = {
  KLEPAAS_ADMIN_LOGIN_USERNAME: 'admin',
  KLEPAAS_ADMIN_LOGIN_GITHUB_LOGIN: SANDBOX_DEVELOPER.github_login,
  KLEPAAS_ADMIN_LOGIN_GITHUB_USER_ID: String(SANDBOX_DEVELOPER.github_user_id),
};
const SANDBOX_ADMIN_PASSWORD = 'sandbox-admin-password';

/** The sandbox's service-account token (apps/sandbox SANDBOX_DEFAULTS.kubeToken). */
const SANDBOX_KUBE_TOKEN = 'sandbox-kube-token';

/**
 * A kubeconfig for the sandbox's Kubernetes API emulation (`<sandbox>/kube`, docs/sandbox.md):
 * one cluster, one service-account token, as an operator's kubeconfig for NKS would hold.
 */
function sandboxKubeconfig(sandboxUrl, token = SANDBOX_KUBE_TOKEN) {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: sandbox',
    `    cluster: { server: "${sandboxUrl.replace(/\/+$/, '')}/kube" }`,
    'users:',
    '  - name: klepaas',
    `    user: { token: "${token}" }`,
    'contexts:',
    '  - name: sandbox',
    '    context: { cluster: sandbox, user: klepaas }',
    'current-context: sandbox',
    '',
  ].join('\n');
}

/**
 * The environment the apps get: in sandbox mode the development secrets fill what the user did
 * not set. `supplied` names the secrets the user set, which are never printed.
 */
function environment(processEnv) {
  const env = { ...processEnv };
  const supplied = new Set(Object.keys(SANDBOX_DEFAULTS).filter((name) => env[name]));
  delete env.PORT; // one PORT for six apps would make them collide
  env.KLEPAAS_SANDBOX = env.KLEPAAS_SANDBOX ?? 'true';
  const sandbox = /^(true|1|yes)$/i.test(env.KLEPAAS_SANDBOX);
  if (sandbox) {
    for (const [name, value] of Object.entries(SANDBOX_DEFAULTS)) env[name] = env[name] ?? value;
    if (!env.KLEPAAS_ADMIN_LOGIN_USERNAME) Object.assign(env, SANDBOX_ADMIN_LOGIN);
    if (!env.KLEPAAS_KUBECONFIG) {
      // The services reach the sandbox's Kubernetes API as they would reach NKS's.
      const sandboxUrl = env.KLEPAAS_SANDBOX_URL || `http://127.0.0.1:${env.KLEPAAS_SANDBOX_PORT || 4000}`;
      env.KLEPAAS_KUBECONFIG = sandboxKubeconfig(sandboxUrl, env.KLEPAAS_SANDBOX_KUBE_TOKEN || SANDBOX_KUBE_TOKEN);
    }
    if (!env.KLEPAAS_GITHUB_APP_PRIVATE_KEY) {
      // A fresh App key per start: the sandbox verifies the App's JWTs with its public half.
      env.KLEPAAS_GITHUB_APP_PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
        type: 'pkcs1',
        format: 'pem',
      });
    }
  }
  return { env, sandbox, supplied };
}

/** A development secret may be shown; a value the user supplied never is (it may be a real one). */
function shown(env, supplied, name) {
  return supplied.has(name) ? `(the value of ${name} you set)` : env[name];
}

/** What `npm start` prints first: where things are, the development secrets, and a bearer token. */
function bannerText(sandbox, env, supplied) {
  const line = '='.repeat(78);
  if (sandbox) {
    const jwt = require('jsonwebtoken');
    const token = jwt.sign({ sub: 'developer', roles: ['admin'], ...SANDBOX_DEVELOPER }, env.KLEPAAS_JWT_SECRET, {
      expiresIn: '12h',
      issuer: env.KLEPAAS_JWT_ISSUER || 'klepaas',
      audience: env.KLEPAAS_JWT_AUDIENCE || 'klepaas',
    });
    return `\x1b[1;33m${line}
 SANDBOX MODE: NCP, GitHub and Slack are the local sandbox on port ${env.KLEPAAS_SANDBOX_PORT ?? 4000}.
 Nothing here talks to the real NCP. Set KLEPAAS_SANDBOX=false (and real credentials) for that.

 REST API      http://127.0.0.1:${env.KLEPAAS_GATEWAY_PORT ?? 3000}/api/v1   (OpenAPI: /api/docs)
 Webhooks      POST http://127.0.0.1:${env.KLEPAAS_GATEWAY_PORT ?? 3000}/api/v1/github/webhook
               App secret: ${shown(env, supplied, 'KLEPAAS_GITHUB_APP_WEBHOOK_SECRET')}
               (a repository hook uses its project's own secret, shown when it is registered)
 Bearer token  (user "developer", operator, GitHub user ${SANDBOX_DEVELOPER.github_login}; valid 12 h)
 ${token}
 Dashboard     admin login ${env.KLEPAAS_ADMIN_LOGIN_USERNAME} / ${env.KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH ? '(the password of the hash you set)' : SANDBOX_ADMIN_PASSWORD}
               browser origins allowed: ${env.KLEPAAS_CORS_ORIGINS || 'none (set KLEPAAS_CORS_ORIGINS, see docs/compat.md)'}
${line}\x1b[0m`;
  }
  return `${line}\n Production mode: real NCP and GitHub endpoints.\n${line}`;
}

module.exports = {
  SANDBOX_DEFAULTS,
  SANDBOX_DEVELOPER,
  SANDBOX_ADMIN_PASSWORD,
  SANDBOX_KUBE_TOKEN,
  sandboxKubeconfig,
  environment,
  bannerText,
};
