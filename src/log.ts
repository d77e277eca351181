import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'logfmt'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * JSON lines on stdout (or on `destination`, such as logfmtDestination). Secrets are never handed to the logger in the first place; the redaction
 * list is a second line of defence should a header or credential object ever reach it.
 */
export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ['password', '*.password', 'authorization', '*.authorization', 'cookie', '*.cookie', 'headers', '*.headers', 'session_id', '*.session_id'],
        censor: '<secret>',
      },
    },
    destination,
  );
}

/** A logfmt value: bare when it can be, else quoted with `"` and `\\` escaped; objects as JSON. */
function logfmtValue(value: unknown): string {
  const text = typeof value === 'string' ? value : value === null || typeof value !== 'object' ? String(value) : JSON.stringify(value);
  return text !== '' && /^[^\s"=\\]+$/.test(text) ? text : JSON.stringify(text);
}

/** One JSON log line as a logfmt line: time, level and msg first, as Go exporters print them. */
export function toLogfmt(line: string): string {
  const { time, level, msg, ...rest } = JSON.parse(line) as Record<string, unknown>;
  const fields: string[] = [];
  for (const [key, value] of Object.entries({ time, level, msg, ...rest })) if (value !== undefined) fields.push(`${key}=${logfmtValue(value)}`);
  return `${fields.join(' ')}\n`;
}

/** A destination that writes each log line to `out` in logfmt instead of JSON (--log.format=logfmt). */
export function logfmtDestination(out: { write(text: string): unknown }): DestinationStream {
  return { write: (line: string) => void out.write(toLogfmt(line)) };
}
