/** The setup flow's HTML: small, no scripts, every value escaped. */

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}pre{background:#f4f4f4;padding:1rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all}label{display:block;margin:.8rem 0}</style>
</head><body><h1>${escape(title)}</h1>
${body}
</body></html>`;
}

/** Step 1: who is setting up, and for which account. Posts back to the gateway. */
export function setupFormPage(action: string, defaultName: string, githubWebUrl: string): string {
  return page(
    'Create the GitHub App',
    `<p>Creates this installation's GitHub App on <code>${escape(githubWebUrl)}</code> with exactly the
permissions and events it needs (docs/github-app.md). You need an operator token (the <code>admin</code> role).</p>
<form method="post" action="${escape(action)}">
<label>Operator token <input type="password" name="token" required autocomplete="off" size="60"></label>
<label>App name (unique on GitHub, at most 34 characters) <input name="name" value="${escape(defaultName)}" maxlength="34" required></label>
<label>Organisation (empty: your personal account) <input name="organization" maxlength="39"></label>
<button type="submit">Continue</button>
</form>`,
  );
}

/** Step 2: the manifest, posted by the operator's browser to GitHub. */
export function manifestPage(formAction: string, manifest: object): string {
  const json = JSON.stringify(manifest);
  return page(
    'Create the GitHub App',
    `<p>GitHub will ask you to confirm the name, then send you back here with the App's credentials.</p>
<form method="post" action="${escape(formAction)}">
<input type="hidden" name="manifest" value="${escape(json)}">
<button type="submit">Create the App on GitHub</button>
</form>
<h2>The manifest</h2>
<pre>${escape(JSON.stringify(manifest, null, 2))}</pre>`,
  );
}

export interface CreatedApp {
  htmlUrl: string;
  lines: string[];
}

/** Step 3: the credentials, shown this once (GitHub never shows the key again). */
export function credentialsPage(app: CreatedApp): string {
  const install = app.htmlUrl ? `${app.htmlUrl}/installations/new` : '';
  return page(
    'GitHub App created',
    `<p><strong>Shown once.</strong> Put these lines into the gateway's, the mirror's and the runner's
secret settings (with Kubernetes: the Secret <code>klepaas-secrets</code>), then restart them. Nothing
here is stored or logged; if you lose them, generate a new private key on the App's settings page.</p>
<pre>${app.lines.map(escape).join('\n')}</pre>
${install ? `<p>Then install the App on the accounts whose repositories will deploy: <a href="${escape(install)}">${escape(install)}</a></p>` : ''}
<p>Check everything with <code>npm run preflight</code> (docs/production.md).</p>`,
  );
}

export function problemPage(title: string, message: string): string {
  return page(title, `<p>${escape(message)}</p>`);
}
