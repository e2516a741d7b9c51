import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKubeconfig } from './kubeconfig';
import { loadConfig } from './config';

const kubeconfig = (user: string) => `apiVersion: v1
kind: Config
clusters:
  - name: nks
    cluster:
      server: https://nks.example.com:6443/
      certificate-authority-data: ${Buffer.from('-----BEGIN CERTIFICATE-----\nMII\n').toString('base64')}
users:
  - name: klepaas
    user: ${user}
contexts:
  - name: nks
    context: { cluster: nks, user: klepaas }
current-context: nks
`;

describe('KLEPAAS_KUBECONFIG', () => {
  it('reads the server, the CA and a service-account token from the content', () => {
    const access = readKubeconfig(kubeconfig('{ token: "sa-token-123456" }'));
    expect(access).toMatchObject({
      server: 'https://nks.example.com:6443',
      token: 'sa-token-123456',
      insecureSkipTlsVerify: false,
      source: 'inline',
    });
    expect(access.caPem).toContain('BEGIN CERTIFICATE');
  });

  it('reads a path, and a token file it names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));
    writeFileSync(join(dir, 'token'), 'from-a-file-0123\n');
    writeFileSync(join(dir, 'config'), kubeconfig(`{ tokenFile: "${join(dir, 'token')}" }`));
    expect(readKubeconfig(join(dir, 'config')).token).toBe('from-a-file-0123');
  });

  it('refuses what is not a token (an exec plugin), a missing file, and says which', () => {
    expect(() => readKubeconfig(kubeconfig('{ exec: { command: ncp-iam-authenticator } }'))).toThrow(
      /holds an exec plugin, not a token/,
    );
    expect(() => readKubeconfig('/nowhere/kubeconfig')).toThrow(/cannot be read/);
  });

  it('stops the app on a bad one, and keeps the token out of logs', () => {
    expect(() => loadConfig('runner', { KLEPAAS_SANDBOX: 'true', KLEPAAS_KUBECONFIG: 'apiVersion: v1\n' })).toThrow(
      /KLEPAAS_KUBECONFIG: inline has no current-context/,
    );
    const config = loadConfig('runner', {
      KLEPAAS_SANDBOX: 'true',
      KLEPAAS_KUBECONFIG: kubeconfig('{ token: "sa-token-123456" }'),
    });
    expect(config.secretValues).toContain('sa-token-123456');
  });
});
