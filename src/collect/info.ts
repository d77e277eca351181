import type { Info } from '../sps/schemas.js';
import { METRICS } from './families.js';
import { SampleList, type Collected } from './samples.js';

/** Maps /api/info to sps_info and one sps_node_role per role. */
export function collectInfo(info: Info): Collected {
  const out = new SampleList();
  const { hostname = '', firmware_version = '', version = '', roles = [] } = info.body;
  out.add(METRICS.info, 1, { hostname, firmware_version, version });
  for (const role of new Set(roles)) if (role !== undefined) out.add(METRICS.nodeRole, 1, { role });
  return out;
}
