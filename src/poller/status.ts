import { METRICS, type Sample } from '../collect/families.js';
import type { SpsClient } from '../sps/client.js';

/** What a node's poller knows of its own polls, for its status series. */
export interface NodeStatus {
  /** The last health read succeeded and is still fresh. */
  up: boolean;
  endpointUp: ReadonlyMap<string, boolean>;
  lastPollAt: number | undefined;
  lastSuccessAt: number | undefined;
  lastDurationSeconds: number | undefined;
  polls: number;
  /** Failed reads by `endpoint\0reason`. */
  errors: ReadonlyMap<string, number>;
  /** Samples dropped by the node's limits, by `family\0reason`. */
  dropped: ReadonlyMap<string, number>;
  client: Pick<SpsClient, 'logins' | 'connections' | 'loginFailures'>;
}

/** The node's own series: sps_up, each endpoint's state, poll times and counters, logins and connections. */
export function statusSamples(status: NodeStatus): Sample[] {
  const samples: Sample[] = [{ family: METRICS.up, value: status.up ? 1 : 0 }];
  for (const [endpoint, up] of status.endpointUp)
    samples.push({ family: METRICS.endpointUp, labels: { api_endpoint: endpoint }, value: up ? 1 : 0 });
  if (status.lastPollAt !== undefined) samples.push({ family: METRICS.lastPoll, value: status.lastPollAt / 1000 });
  if (status.lastSuccessAt !== undefined)
    samples.push({ family: METRICS.lastSuccess, value: status.lastSuccessAt / 1000 });
  if (status.lastDurationSeconds !== undefined)
    samples.push({ family: METRICS.pollDuration, value: status.lastDurationSeconds });
  samples.push({ family: METRICS.polls, value: status.polls });
  for (const [key, count] of status.errors) {
    const [endpoint, reason] = key.split('\0') as [string, string];
    samples.push({ family: METRICS.pollErrors, labels: { api_endpoint: endpoint, reason }, value: count });
  }
  for (const [key, count] of status.dropped) {
    const [family, reason] = key.split('\0') as [string, string];
    samples.push({ family: METRICS.samplesDropped, labels: { family, reason }, value: count });
  }
  samples.push(
    { family: METRICS.logins, value: status.client.logins },
    { family: METRICS.connections, value: status.client.connections },
  );
  for (const [reason, count] of status.client.loginFailures)
    samples.push({ family: METRICS.loginFailures, labels: { reason }, value: count });
  return samples;
}
