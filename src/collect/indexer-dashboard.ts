import type { IndexerDashboard } from '../sps/schemas.js';
import { METRICS } from './families.js';
import { parseOpensslDate } from './openssl-date.js';
import { definedEntries, SampleList, type Collected } from './samples.js';

const DAY_MS = 86_400_000;

/** Maps /api/indexer/dashboard to samples; `nowMs` fixes the moment days-to-expiry are counted from. */
export function collectIndexerDashboard(dashboard: IndexerDashboard, nowMs: number): Collected {
  const out = new SampleList();
  for (const [certificate, entry] of definedEntries(dashboard.certificates)) {
    if (entry.expiration_date === undefined) continue;
    const expiresAt = parseOpensslDate(entry.expiration_date);
    if (expiresAt === undefined) {
      out.warnings.push(
        `certificate "${certificate.slice(0, 64)}" has an unreadable expiration_date "${entry.expiration_date.slice(0, 64)}"`,
      );
      continue;
    }
    out.add(METRICS.certificateExpiry, expiresAt / 1000, { certificate });
    out.add(METRICS.certificateExpiryDays, (expiresAt - nowMs) / DAY_MS, { certificate });
  }
  for (const [service, state] of definedEntries(dashboard.required_service_statuses)) {
    out.add(METRICS.indexerServiceActive, state === true || state === 'active' ? 1 : 0, { indexer_service: service });
  }
  return out;
}
