import { createSecureContext } from 'node:tls';
import type { NextFunction, Request, Response } from 'express';
import { checkAll, mapping, nonEmpty, optional, record, string } from '../config/checks.js';
import { ConfigError } from '../config/problems.js';
import { exposedSecret, FileReadError, readTextFile } from '../config/file.js';
import { dirname, resolve } from 'node:path';
import { readYaml } from '../config/yaml.js';
import { PasswordCheck } from './password-check.js';

/**
 * --web.config.file, in the Prometheus exporter-toolkit format (the subset an exporter needs:
 * a TLS certificate and key, and basic-auth users with bcrypt hashes).
 */
const checkWebConfig = mapping(
  {
    tls_server_config: optional(mapping({ cert_file: nonEmpty, key_file: nonEmpty })),
    basic_auth_users: optional(
      record(
        string({
          pattern: {
            regex: /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/,
            message: 'must be a bcrypt hash (htpasswd -nBC 10 "" | tr -d \':\')',
          },
        }),
        nonEmpty,
      ),
    ),
  },
  { unknownKeys: (keys) => `unsupported key(s) ${keys.join(', ')}` },
);

export interface WebConfig {
  tls?: { cert: string; key: string };
  users?: Map<string, string>;
  /** What is allowed but risky (a file others can read), worth a log line at start and reload. */
  warnings: string[];
}

/**
 * Reads --web.config.file; throws ConfigError naming every problem at once. Relative certificate
 * and key paths are read from the web config file's directory, as the exporter-toolkit does.
 */
export function loadWebConfig(file: string): WebConfig {
  let text: string;
  try {
    text = readTextFile(file);
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    throw new ConfigError([`cannot read web config file (${error.reason})`], file);
  }
  const yaml = readYaml(text);
  if (yaml.problems.length > 0) throw new ConfigError(['is not valid YAML', ...yaml.problems], file);
  const { value: parsed, problems } = checkAll(checkWebConfig, yaml.value);
  // The certificate files are read whatever else is wrong, so one run names every problem.
  const tls = (yaml.value as { tls_server_config?: { cert_file?: unknown; key_file?: unknown } } | null)
    ?.tls_server_config;
  const fromHere = (path: string) => resolve(dirname(resolve(file)), path);
  const read = (key: 'cert_file' | 'key_file'): string | undefined => {
    const path = tls?.[key];
    if (typeof path !== 'string' || path === '') return undefined;
    try {
      return readTextFile(fromHere(path));
    } catch (error) {
      if (!(error instanceof FileReadError)) throw error;
      problems.push(`tls_server_config.${key}: cannot read ${path} (${error.reason})`);
      return undefined;
    }
  };
  const cert = read('cert_file');
  const key = read('key_file');
  if (cert !== undefined && key !== undefined) {
    try {
      createSecureContext({ cert, key });
    } catch (error) {
      problems.push(
        `tls_server_config: the certificate and key do not load (${(error as { code?: string }).code ?? 'invalid PEM'})`,
      );
    }
  }
  if (!parsed || problems.length > 0) throw new ConfigError(problems, file);
  const warnings: string[] = [];
  const exposedConfig = parsed.basic_auth_users ? exposedSecret(file) : undefined;
  if (exposedConfig) warnings.push(`--web.config.file: ${exposedConfig} (it holds the basic auth hashes)`);
  const exposedKey = parsed.tls_server_config ? exposedSecret(fromHere(parsed.tls_server_config.key_file)) : undefined;
  if (exposedKey) warnings.push(`--web.config.file: tls_server_config.key_file: ${exposedKey}`);
  const config: WebConfig = { warnings };
  if (parsed.tls_server_config) config.tls = { cert: cert!, key: key! };
  if (parsed.basic_auth_users) config.users = new Map(Object.entries(parsed.basic_auth_users));
  return config;
}

const REALM = 'Basic realm="sps-exporter", charset="UTF-8"';
// Compared against when the user is unknown, so a wrong name costs as much as a wrong password.
const DUMMY_HASH = '$2b$10$s7pEJ2WWFm8IZkfEskIseOWbqcTET4BhIMygI.dtZ2rlA80Z5Ysqa';

/**
 * Requires HTTP basic auth from the current users (user -> bcrypt hash; none: no auth, as a reload
 * of the web config may turn it on or off) on every path but `open`. Passwords
 * are checked off the event loop (PasswordCheck); when too many checks are waiting, a request
 * is answered 429 with Retry-After instead of queueing without bound.
 */
export function basicAuth(
  currentUsers: () => Map<string, string> | undefined,
  open: readonly string[] = [],
  passwords = new PasswordCheck(),
) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const users = currentUsers();
    if (!users || open.includes(req.path)) return next();
    const header = req.headers.authorization ?? '';
    const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      const user = decoded.slice(0, colon);
      const hash = users.get(user);
      const result = await passwords.check(user, decoded.slice(colon + 1), hash ?? DUMMY_HASH);
      if (result === 'busy') {
        res
          .status(429)
          .set('retry-after', '1')
          .type('text/plain')
          .send('too many password checks at once; try again\n');
        return;
      }
      if (result === 'ok' && hash !== undefined) return next();
    }
    res.status(401).set('www-authenticate', REALM).type('text/plain').send('unauthorized\n');
  };
}
