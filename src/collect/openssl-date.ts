const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// OpenSSL's notAfter form, as SPS sends it: "Oct 9 12:09:31 2024 GMT" (the day may be space-padded).
const OPENSSL_DATE = /^([A-Z][a-z]{2}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/;

/** Unix milliseconds of an OpenSSL-style GMT date, or undefined if it is not one (never a guess). */
export function parseOpensslDate(text: string): number | undefined {
  const match = OPENSSL_DATE.exec(text.trim());
  if (!match) return undefined;
  const [, mon, day, hh, mm, ss, year] = match as unknown as [string, string, string, string, string, string, string];
  const month = MONTHS.indexOf(mon);
  const ms = Date.UTC(Number(year), month, Number(day), Number(hh), Number(mm), Number(ss));
  const back = new Date(ms);
  // Date.UTC rolls "Feb 31" over into March; such a date is malformed, not a date in March.
  if (
    month < 0 ||
    back.getUTCDate() !== Number(day) ||
    back.getUTCHours() !== Number(hh) ||
    back.getUTCMinutes() !== Number(mm) ||
    back.getUTCSeconds() !== Number(ss)
  )
    return undefined;
  return ms;
}
