import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createListener, type AddressInfo, type Server as Listener } from 'node:net';
import { LOOPBACK_HOSTS, TestCa, type KeyPair } from './certs.js';
import { json, SESSION_IDLE_MS, spsError, SpsSessions } from './sessions.js';
import {
  clusterKey,
  clusterNode,
  clusterNodes,
  clusterStatus,
  diskFillupPrevention,
  firmwareSlots,
  FQDN_SUFFIX,
  healthMonitoring,
  healthStatus,
  indexerDashboard,
  info,
  MALFORMED_JSON,
  type Scenario,
  type SimNodeModel,
} from './responses.js';

export { SESSION_IDLE_MS } from './sessions.js';

export interface SimNodeSpec {
  name?: string;
  scenario?: Scenario;
  /** Days the node's own web certificate has left (negative: expired); by default it shares the fleet's, valid a year. */
  certificateDays?: number;
}

export interface FleetOptions {
  nodes: SimNodeSpec[];
  host?: string;
  /** Node names are PREFIX + number (default "sps-"). */
  namePrefix?: string;
  /** The name other hosts reach the fleet by (a compose service, say): in the certificate and the URLs. */
  advertiseHost?: string;
  /** Node i listens on basePort + i; 0 gives every node a free port. */
  basePort?: number;
  /**
   * Cluster mode: node i listens on loopback address 127.0.x.y (i + 1) at one shared port, and the
   * first node, the Central Management node, lists them all as its cluster members (on Linux, every
   * 127.x.y.z address is the loopback). Without it, nodes share 127.0.0.1 on ports of their own and
   * the first node's cluster is just itself.
   */
  cluster?: boolean;
  username?: string;
  password?: string;
  idleTimeoutMs?: number;
  slowMs?: number;
  flapPeriodMs?: number;
  /** The server certificate; by default the fleet's CA issues one for the loopback names. */
  tls?: KeyPair & { caPem: string };
  /** The fleet's CA (one kept across restarts, say); a new one by default. */
  ca?: TestCa;
  now?: () => number;
}

export interface SimNode extends SimNodeModel {
  address: string;
  port: number;
  /** Listed by the Central Management node (see Fleet.leaveCluster). */
  inCluster: boolean;
  url: string;
  logins: number;
  failedLogins: number;
  requests: number;
  /** TCP connections accepted; with keep-alive, one per client for as long as it stays idle-free. */
  connections: number;
  /** Live sessions: id -> last use. */
  sessions: Map<string, number>;
}

const WRONG_PASSWORD_SUFFIX = '-but-not-this-one';
export const MAX_CLUSTER_NODES = 1000;

/** 127.0.0.1 for node 0, 127.0.0.2 for node 1, ... 127.0.1.0 for node 255. */
export function loopbackAddress(index: number): string {
  const n = index + 1;
  return `127.0.${n >> 8}.${n & 255}`;
}

/** A fleet of fake SPS nodes on 127.0.0.1, one HTTPS port each. */
export class Fleet {
  readonly nodes: SimNode[];
  readonly caPem: string;
  readonly username: string;
  readonly password: string;
  readonly #listeners: Listener[] = [];
  #https: Server | undefined;
  /** The HTTPS servers of nodes with a web certificate of their own (certificateDays). */
  readonly #ownServers: Server[] = [];
  readonly #options: Required<Pick<FleetOptions, 'idleTimeoutMs' | 'slowMs' | 'flapPeriodMs' | 'now'>>;
  /** Each node's logins and sessions, kept as SPS keeps them (the counts on the node itself). */
  readonly #sessions = new Map<SimNode, SpsSessions>();
  readonly #byPort = new Map<number, SimNode>();
  readonly #byAddress = new Map<string, SimNode>();
  readonly #cluster: boolean;
  /** Connections open right now, across the fleet. */
  openConnections = 0;

  private constructor(options: FleetOptions, caPem: string) {
    const now = options.now ?? Date.now;
    this.caPem = caPem;
    this.username = options.username ?? 'monitoring';
    this.password = options.password ?? 'simulated-password';
    this.#cluster = options.cluster ?? false;
    this.#options = {
      idleTimeoutMs: options.idleTimeoutMs ?? SESSION_IDLE_MS,
      slowMs: options.slowMs ?? 3_000,
      flapPeriodMs: options.flapPeriodMs ?? 60_000,
      now,
    };
    const startedAt = now();
    this.nodes = options.nodes.map((spec, index) => ({
      name:
        spec.name ??
        `${options.namePrefix ?? 'sps-'}${String(index + 1).padStart(String(options.nodes.length).length, '0')}`,
      index,
      scenario: spec.scenario ?? 'healthy',
      startedAt,
      address: '',
      port: 0,
      inCluster: index === 0 || (options.cluster ?? false),
      url: '',
      logins: 0,
      failedLogins: 0,
      requests: 0,
      connections: 0,
      sessions: new Map(),
    }));
    for (const node of this.nodes) {
      const rules = {
        username: this.username,
        password: () => (node.scenario === 'wrong_password' ? this.password + WRONG_PASSWORD_SUFFIX : this.password),
        now,
        idleTimeoutMs: this.#options.idleTimeoutMs,
      };
      this.#sessions.set(node, new SpsSessions(rules, node));
    }
  }

  static async start(options: FleetOptions): Promise<Fleet> {
    if (
      options.cluster &&
      (options.nodes.length > MAX_CLUSTER_NODES ||
        options.advertiseHost !== undefined ||
        (options.host ?? '127.0.0.1') !== '127.0.0.1')
    ) {
      throw new Error(
        `a simulated cluster has at most ${MAX_CLUSTER_NODES} nodes on loopback addresses (no advertise host, host 127.0.0.1)`,
      );
    }
    let tls = options.tls;
    const ca = tls ? undefined : (options.ca ?? new TestCa('sps-exporter simulator CA'));
    const hosts = [...LOOPBACK_HOSTS, `*${FQDN_SUFFIX}`];
    if (options.advertiseHost) hosts.push(options.advertiseHost);
    if (options.cluster) hosts.push(...options.nodes.map((_, index) => loopbackAddress(index)));
    if (ca) tls = { ...ca.issue({ commonName: 'sps-simulator', hosts }), caPem: ca.certPem };
    if (!tls) throw new Error('unreachable: a fleet has a certificate');
    if (!ca && options.nodes.some((spec) => spec.certificateDays !== undefined))
      throw new Error("certificateDays needs the fleet's own CA (no tls option)");
    const fleet = new Fleet(options, tls.caPem);
    // One HTTPS server for the whole fleet; each node's port is a plain listener that hands it the connection.
    const https = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => fleet.#handle(req, res));
    https.keepAliveTimeout = 120_000; // longer than any poll interval, as an appliance's web server would
    fleet.#https = https;
    const host = options.host ?? '127.0.0.1';
    try {
      for (const node of fleet.nodes) {
        // A node with a web certificate of its own has an HTTPS server of its own for it.
        const days = options.nodes[node.index]?.certificateDays;
        let server = https;
        if (days !== undefined && ca) {
          const DAY = 86_400_000;
          const notAfter = new Date(Date.now() + days * DAY);
          const own = ca.issue({
            commonName: `${node.name}${FQDN_SUFFIX}`,
            hosts,
            notBefore: new Date(Math.min(Date.now(), notAfter.getTime()) - 365 * DAY),
            notAfter,
          });
          server = createServer({ cert: own.certPem, key: own.keyPem }, (req, res) => fleet.#handle(req, res));
          server.keepAliveTimeout = https.keepAliveTimeout;
          fleet.#ownServers.push(server);
        }
        const listener = createListener((socket) => {
          node.connections++;
          fleet.openConnections++;
          socket.once('close', () => fleet.openConnections--);
          server.emit('connection', socket);
        });
        fleet.#listeners.push(listener);
        const port = options.cluster
          ? node.index === 0
            ? (options.basePort ?? 0)
            : fleet.nodes[0]!.port
          : options.basePort
            ? options.basePort + node.index
            : 0;
        node.address = options.cluster ? loopbackAddress(node.index) : host;
        await new Promise<void>((resolve, reject) => {
          listener.once('error', reject);
          listener.listen(port, node.address, resolve);
        });
        node.port = (listener.address() as AddressInfo).port;
        const name = options.advertiseHost ?? node.address;
        node.url = `https://${name.includes(':') ? `[${name}]` : name}:${node.port}`;
        fleet.#byPort.set(node.port, node);
        fleet.#byAddress.set(node.address, node);
      }
    } catch (error) {
      await fleet.close();
      throw error;
    }
    return fleet;
  }

  /** Switches a node to another scenario while the fleet runs (the simulator's control port); false for an unknown node. */
  setScenario(name: string, scenario: Scenario): boolean {
    const node = this.node(name);
    if (!node) return false;
    node.scenario = scenario;
    return true;
  }

  /** True in cluster mode: the first node's members are the whole fleet. */
  get isCluster(): boolean {
    return this.#cluster;
  }

  node(name: string): SimNode | undefined {
    return this.nodes.find((node) => node.name === name);
  }

  /** Takes a node out of the Central Management node's lists (it keeps answering, as a node that left would). */
  leaveCluster(name: string): void {
    const node = this.node(name);
    if (node && node.index !== 0) node.inCluster = false;
  }

  joinCluster(name: string): void {
    const node = this.node(name);
    if (node && (this.#cluster || node.index === 0)) node.inCluster = true;
  }

  async close(): Promise<void> {
    for (const listener of this.#listeners) listener.close();
    this.#https?.closeAllConnections();
    for (const server of this.#ownServers) server.closeAllConnections();
    await Promise.all(
      this.#listeners.map(
        (listener) =>
          new Promise((resolve) => (listener.listening ? listener.once('close', resolve) : resolve(undefined))),
      ),
    );
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const node = this.#cluster
      ? this.#byAddress.get(req.socket.localAddress ?? '')
      : this.#byPort.get(req.socket.localPort ?? 0);
    if (!node) return spsError(res, 404, 'NotFound', 'No such node', req.url ?? '/');
    node.requests++;
    const delay = node.scenario === 'slow' ? this.#options.slowMs : 0;
    if (delay > 0) setTimeout(() => this.#route(node, req, res), delay);
    else this.#route(node, req, res);
  }

  #route(node: SimNode, req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method !== 'GET') return spsError(res, 405, 'MethodNotAllowed', 'Method not allowed', path);
    const sessions = this.#sessions.get(node)!;
    if (path === '/api/authentication') return sessions.login(req, res);
    const authenticated = sessions.session(req) !== undefined;
    if (node.scenario === 'hang' && authenticated) return; // never answers; the client's timeout must cut it
    if (path === '/api/info') return json(res, 200, info(node, authenticated));
    if (!authenticated) return spsError(res, 401, 'Unauthenticated', 'Authentication is required', path);
    const now = this.#options.now();
    if (node.scenario === 'flapping' && Math.floor((now - node.startedAt) / this.#options.flapPeriodMs) % 2 === 1) {
      return spsError(res, 503, 'ServiceUnavailable', 'The service is temporarily unavailable', path);
    }
    if (path === '/api/health_status')
      return json(res, 200, node.scenario === 'malformed_json' ? MALFORMED_JSON : healthStatus(node, now));
    if (path === '/api/indexer/dashboard') return json(res, 200, indexerDashboard(node));
    if (path.startsWith('/api/cluster/') && node.index === 0) {
      const members = this.nodes.filter((n) => n.inCluster);
      if (path === '/api/cluster/status') return json(res, 200, clusterStatus(members, now));
      if (path === '/api/cluster/nodes') return json(res, 200, clusterNodes(members));
      const member = members.find((n) => path === `/api/cluster/nodes/${clusterKey(n)}`);
      if (member) return json(res, 200, clusterNode(member));
    }
    if (node.scenario !== 'legacy_firmware') {
      if (path === '/api/configuration/management/health_monitoring') return json(res, 200, healthMonitoring(node));
      if (path === '/api/configuration/management/disk_fillup_prevention')
        return json(res, 200, diskFillupPrevention(node));
      if (path === '/api/firmware/slots') return json(res, 200, firmwareSlots(node));
    }
    return spsError(res, 404, 'NotFound', 'Resource was not found', path);
  }
}
