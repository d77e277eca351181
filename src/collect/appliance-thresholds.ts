import type { DiskFillupPrevention, HealthMonitoring } from '../sps/schemas.js';
import { METRICS } from './families.js';
import { SampleList, type Collected } from './samples.js';

/** The appliance's own health-monitoring thresholds; an unset (null) one exports nothing. */
export function collectHealthMonitoring({ body }: HealthMonitoring): Collected {
  const out = new SampleList();
  out.ratio(METRICS.thresholdDisk, body.maximum_disk_utilization_ratio);
  out.ratio(METRICS.thresholdSwap, body.maximum_swap_utilization_ratio);
  out.add(METRICS.thresholdLoad, body.maximum_load1, { period: '1' });
  out.add(METRICS.thresholdLoad, body.maximum_load5, { period: '5' });
  out.add(METRICS.thresholdLoad, body.maximum_load15, { period: '15' });
  return out;
}

/** The disk fill-up prevention setting: whether it is on, and the usage at which SPS refuses sessions. */
export function collectDiskFillupPrevention({ body }: DiskFillupPrevention): Collected {
  const out = new SampleList();
  out.add(METRICS.fillupEnabled, body.enabled === undefined ? undefined : body.enabled ? 1 : 0);
  out.ratio(METRICS.fillupLimit, body.used_space_ratio_limit);
  return out;
}
