/**
 * Scenarios a simulated node can play; `legacy_firmware` sends the field-table shapes (total_sessions,
 * booleans) and has no firmware slots endpoint; `hang` accepts the login and then never answers a
 * data request; `firmware_staged` has a newer firmware waiting for the next reboot.
 */
export const SCENARIOS = [
  'healthy',
  'raid_degraded',
  'cert_expiring',
  'indexer_down',
  'slow',
  'flapping',
  'wrong_password',
  'malformed_json',
  'legacy_firmware',
  'hang',
  'firmware_staged',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface SimNodeModel {
  name: string;
  index: number;
  scenario: Scenario;
  /** When the fleet started; certificate expiry dates are fixed relative to it. */
  startedAt: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86_400_000;
const GIB = 1024 ** 3;
const PROTOCOLS = ['http', 'ica', 'mssql', 'rdp', 'ssh', 'telnet', 'vnc'] as const;

/** "Oct 9 12:09:31 2024 GMT", as SPS prints certificate expiry dates. */
export function opensslDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

/** A smooth value between lo and hi that drifts with time; each node and quantity has its own phase. */
function wave(node: SimNodeModel, seed: number, nowMs: number, lo: number, hi: number, periodS = 300): number {
  const t = nowMs / 1000;
  const phase = node.index * 1.7 + seed * 2.3;
  const s = 0.6 * Math.sin(t / periodS + phase) + 0.4 * Math.sin(t / (periodS * 0.37) + phase * 1.3);
  return lo + ((s + 1) / 2) * (hi - lo);
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export function healthStatus(node: SimNodeModel, nowMs: number): object {
  const memTotal = 8 * GIB;
  const memPercent = round(wave(node, 1, nowMs, 35, 70));
  const memUsed = Math.round((memTotal * memPercent) / 100);
  const diskTotal = 500 * GIB;
  const diskPercent = round(20 + (node.index % 50) + ((nowMs - node.startedAt) / DAY_MS) * 2);
  const diskUsed = Math.round((diskTotal * diskPercent) / 100);
  const swapTotal = 2 * GIB;
  const swapPercent = round(wave(node, 2, nowMs, 0, 6));
  const swapUsed = Math.round((swapTotal * swapPercent) / 100);
  const uptimeS = (nowMs - node.startedAt) / 1000;
  const cpuUser = round(wave(node, 3, nowMs, 2, 30));
  const cpuSystem = round(wave(node, 4, nowMs, 1, 8));
  const cpuIowait = round(wave(node, 5, nowMs, 0, 3));
  const sessions = Object.fromEntries(
    PROTOCOLS.map((p, i) => [p, Math.round(wave(node, 10 + i, nowMs, 0, 12 - i, 120))]),
  );
  const sessionCount = Object.values(sessions).reduce((a, b) => a + b, 0);
  const degraded = node.scenario === 'raid_degraded';
  const worker = (capabilities: string[], seed: number) => {
    const jobs = Math.round(wave(node, seed, nowMs, 0, 3, 60));
    return {
      capabilities,
      idle_workers_count: jobs > 0 ? 0 : 1,
      indexer_jobs: capabilities.includes('index') ? jobs : 0,
      ip: '127.0.0.1',
      screenshot_jobs: capabilities.includes('screenshot') ? jobs : 0,
      video_jobs: capabilities.includes('video') ? jobs : 0,
      workers_count: 1,
    };
  };
  const load = (seed: number) => round(wave(node, seed, nowMs, 0.2, 2.5), 2);
  const health: Record<string, unknown> = {
    cpu: round(cpuUser + cpuSystem + cpuIowait),
    disk: diskPercent,
    firmware: {
      tainted_files: { boot: 0, core: 0, ha_other: 0 },
      integrity: { boot: 'OK', core: 'OK' },
    },
    indexer: {
      indexer_status: [worker(['index'], 20), worker(['screenshot', 'video'], 21), worker(['video'], 22)],
      processing_tasks: [],
      remaining_tasks: [],
      worker_warnings: [],
    },
    load1: load(30),
    load15: load(31),
    load5: load(32),
    memory: memPercent,
    pipeline_queues: {
      session_events: round(wave(node, 40, nowMs, 0, 20)),
      indexer_events: round(wave(node, 41, nowMs, 0, 35)),
    },
    raid: {
      disks: {
        '252:0': { status: 'OK' },
        '252:1': { status: degraded ? 'FAULTY' : 'OK' },
        '252:2': { status: 'OK' },
        '252:3': { status: degraded ? 'OK' : 'SPARE' },
      },
      status: {
        detailed_status: degraded ? 'degraded' : 'OK',
        operation_progress: 0,
        status: degraded ? 'DEGRADED' : 'OK',
      },
    },
    sessions,
    sessions_total: sessionCount,
    swap: swapPercent,
    system_details: {
      cpu: {
        guest: 0.0,
        guest_nice: 0.0,
        idle: round(100 - cpuUser - cpuSystem - cpuIowait),
        iowait: cpuIowait,
        irq: 0.0,
        nice: 0.0,
        softirq: 0.1,
        steal: 0.0,
        system: cpuSystem,
        user: cpuUser,
      },
      disk: { free: diskTotal - diskUsed, percent: diskPercent, total: diskTotal, used: diskUsed },
      memory: {
        active: Math.round(memUsed * 0.8),
        available: memTotal - memUsed,
        buffers: 265_920_512,
        cached: 3_269_304_320,
        free: Math.round((memTotal - memUsed) * 0.4),
        inactive: 1_109_909_504,
        percent: memPercent,
        shared: 117_671_424,
        slab: 325_619_712,
        total: memTotal,
        used: memUsed,
      },
      swap: {
        free: swapTotal - swapUsed,
        percent: swapPercent,
        sin: Math.round(uptimeS * 4096),
        sout: Math.round(uptimeS * 8192),
        total: swapTotal,
        used: swapUsed,
      },
    },
  };
  if (node.scenario === 'legacy_firmware') {
    delete health.sessions_total;
    health.total_sessions = sessionCount;
  }
  return { health_status: health };
}

export function indexerDashboard(node: SimNodeModel): object {
  const days = node.scenario === 'cert_expiring' ? 3 : 200 + node.index;
  const expiry = opensslDate(node.startedAt + days * DAY_MS);
  const caExpiry = opensslDate(node.startedAt + 3650 * DAY_MS);
  const legacy = node.scenario === 'legacy_firmware';
  const state = (active: boolean) => (legacy ? active : active ? 'active' : 'inactive');
  return {
    certificates: {
      'ca.pem': { expiration_date: caExpiry },
      'service.pem': { expiration_date: expiry },
      'worker.pem': { expiration_date: expiry },
    },
    required_service_statuses: {
      'indexer-jobgenerator.service': state(true),
      'indexer-metadb-service.service': state(true),
      'indexer-service.service': state(node.scenario !== 'indexer_down'),
      'indexer-worker.service': state(true),
      'postgresql.service': state(true),
      'rabbitmq-server.service': state(true),
    },
    supported_remote_indexer_version: { maximum_version: '8.1.99', minimum_version: '8.1.0' },
  };
}

export function info(node: SimNodeModel, authenticated: boolean): object {
  const body: Record<string, unknown> = {
    domainname: 'example',
    hostname: `sps-${node.name}`,
    nickname: null,
    plugin_sdk_version: { feature: '1.4', full: '1.4.4' },
    support_link: 'mailto:scb-administrator@example.com',
  };
  if (authenticated) {
    Object.assign(body, {
      analytics_enabled: false,
      build_date: '2024-06-15T20:18:40+00:00',
      config_hash: '2abde4c81d9b544bf53fae4f4b9657fc',
      firmware_version: node.scenario === 'legacy_firmware' ? '6.0.3' : '7.5.1',
      roles: node.index === 0 ? ['central-management', 'search-master'] : [],
      version: node.scenario === 'legacy_firmware' ? '6 LTS' : '7 F5',
    });
  }
  return { body, key: 'about_info', meta: { href: '/api/info', parent: '/api' } };
}

/** The seeds' own /api/info sample has a missing comma; this scenario sends that kind of body. */
export const MALFORMED_JSON = '{"health_status": {"cpu": 1.0, "disk": 2.0 "load1": 3.0}';

/** The appliance's own thresholds; `legacy_firmware` nodes do not have these endpoints (404). */
export function healthMonitoring(node: SimNodeModel): object {
  return {
    body: {
      maximum_disk_utilization_ratio: 80,
      maximum_load1: null,
      maximum_load15: 8 + (node.index % 4),
      maximum_load5: null,
      maximum_swap_utilization_ratio: 70,
    },
    key: 'health_monitoring',
    meta: {
      first: '/api/configuration/management/certificates',
      href: '/api/configuration/management/health_monitoring',
      last: '/api/configuration/management/webinterface',
      next: '/api/configuration/management/snmp',
      parent: '/api/configuration/management',
      previous: '/api/configuration/management/email',
      transaction: '/api/transaction',
    },
  };
}

/**
 * /api/firmware/slots (SPS 7.1+): slot 1 runs 7.5.1; `firmware_staged` has 7.6.0 in slot 2, set to
 * boot next (an upgrade uploaded but not yet rebooted into); otherwise slot 2 is empty.
 */
export function firmwareSlots(node: SimNodeModel): object {
  const staged = node.scenario === 'firmware_staged';
  const slot = (key: number, body: object) => ({
    key: String(key),
    body,
    meta: { href: `/api/firmware/slots/${key}`, parent: '/api/firmware/slots' },
  });
  return {
    items: [
      slot(1, { after_reboot: !staged, current: true, version: '7.5.1', upgrade_notes: null, upgrade_news: null }),
      slot(
        2,
        staged
          ? {
              after_reboot: true,
              current: false,
              version: '7.6.0',
              upgrade_notes: 'Reboot to finish the upgrade.',
              upgrade_news: null,
            }
          : {},
      ),
    ],
    meta: {
      href: '/api/firmware/slots',
      parent: '/api/firmware',
      current_slot: '/api/firmware/slots/1',
      slot_after_reboot: `/api/firmware/slots/${staged ? 2 : 1}`,
      number_of_empty_slots: staged ? 0 : 1,
    },
  };
}

export function diskFillupPrevention(node: SimNodeModel): object {
  return {
    body: { enabled: node.index % 5 !== 4, used_space_ratio_limit: 90, archiving_enabled: true },
    key: 'disk_fillup_prevention',
    meta: { href: '/api/configuration/management/disk_fillup_prevention', parent: '/api/configuration/management' },
  };
}

/**
 * /api/cluster/status as the fleet's Central Management node (the first node) reports it: hanging
 * nodes are down (health_status null, last seen an hour before the fleet started); legacy firmware
 * has no sync_status, as 6.x does not.
 */
export const FQDN_SUFFIX = '.sps.example';
export const clusterKey = (node: SimNodeModel) => `00000000-0000-4000-8000-${String(node.index).padStart(12, '0')}`;
const roles = (node: SimNodeModel) => (node.index === 0 ? ['central-management'] : []);

/** /api/cluster/nodes on the Central Management node. */
export function clusterNodes(members: readonly SimNodeModel[]): object {
  return {
    items: members.map((node) => ({ key: clusterKey(node), meta: { href: `/api/cluster/nodes/${clusterKey(node)}` } })),
    meta: { first: '/api/cluster/nodes', href: '/api/cluster/nodes', parent: '/api/cluster' },
  };
}

/** /api/cluster/nodes/<key>: the shape the seeds show for a joined node. */
export function clusterNode(node: SimNodeModel & { address: string }): object {
  return {
    body: { address: node.address, roles: roles(node) },
    key: clusterKey(node),
    meta: { href: `/api/cluster/nodes/${clusterKey(node)}`, parent: '/api/cluster/nodes', remaining_seconds: 28800 },
  };
}

export function clusterStatus(members: readonly SimNodeModel[], nowMs: number): object {
  return {
    items: members.map((node) => {
      const down = node.scenario === 'hang';
      const item: Record<string, unknown> = {
        key: clusterKey(node),
        fqdn: `${node.name}${FQDN_SUFFIX}`,
        last_seen: new Date(down ? node.startedAt - 3_600_000 : nowMs).toISOString(),
        configuration_sync: {
          last_updated: new Date(node.startedAt).toISOString(),
          last_checked: new Date(nowMs).toISOString(),
          issues: {
            warnings: node.scenario === 'legacy_firmware' ? ['the node runs a different firmware version'] : [],
          },
        },
        health_status: down
          ? null
          : {
              total_sessions: Math.round(wave(node, 50, nowMs, 0, 30)),
              load1: round(wave(node, 30, nowMs, 0.2, 2.5), 2),
            },
      };
      if (node.scenario !== 'legacy_firmware') item.sync_status = 'synced';
      return item;
    }),
  };
}
