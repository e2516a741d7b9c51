#!/usr/bin/env node
// Makes KLEPAAS_ADMIN_LOGIN_PASSWORD_HASH (the dashboard's admin login, docs/compat.md) from a
// password read from the terminal without echo, or from standard input when piped: never from
// the command line, where shell history and the process list would keep it.
//   node scripts/hash-password.js
//   printf '%s' "$PASSWORD" | node scripts/hash-password.js
// The format is libs/auth's password-hash.ts: scrypt:<N>:<r>:<p>:<salt>:<key>, base64url.
const { randomBytes, scryptSync } = require('node:crypto');

const PARAMS = { N: 1 << 15, r: 8, p: 1 };
const MIN_LENGTH = 12;

function hash(password) {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFC'), salt, 32, { ...PARAMS, maxmem: 256 * PARAMS.N * PARAMS.r });
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join(':');
}

function readHidden(prompt) {
  return new Promise((resolve) => {
    const readline = require('node:readline');
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    process.stderr.write(prompt);
    rl._writeToOutput = () => {}; // no echo
    rl.question('', (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

function readPiped() {
  return new Promise((resolve) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => (text += chunk));
    process.stdin.on('end', () => resolve(text.replace(/\r?\n$/, '')));
  });
}

(async () => {
  const password = process.stdin.isTTY ? await readHidden('Password: ') : await readPiped();
  if (password.length < MIN_LENGTH) {
    console.error(`the password must have at least ${MIN_LENGTH} characters`);
    process.exit(1);
  }
  process.stdout.write(`${hash(password)}\n`);
})();
