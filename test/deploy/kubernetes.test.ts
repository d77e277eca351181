import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { GENERATED } from '../../deploy/kubernetes/generate.js';
import { checkAll } from '../../src/config/checks.js';
import { checkConfig } from '../../src/config/schema.js';

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const update = process.env.UPDATE_MANIFESTS === '1';

/** The schema model for each kind the base renders: validate() throws on any schema violation. */
const MODELS: Record<string, (object: any) => { validate(): void }> = {
  'apps/v1/Deployment': (o) => new Deployment(o),
  'apps/v1/StatefulSet': (o) => new StatefulSet(o),
  'v1/Service': (o) => new Service(o),
  'v1/ConfigMap': (o) => new ConfigMap(o),
  'v1/Secret': (o) => new Secret(o),
  'networking.k8s.io/v1/NetworkPolicy': (o) => new NetworkPolicy(o),
  'monitoring.coreos.com/v1/ServiceMonitor': (o) => new ServiceMonitor(o),
  'monitoring.coreos.com/v1/PrometheusRule': (o) => new PrometheusRule(o),
};

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
};

const PASSWORD = 'the-real-password';

/** A copy of deploy/kubernetes, with the credentials an operator puts in common/secrets/ unless `withSecrets` is false. */
function copyOfKubernetes(withSecrets = true): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'sps-k8s-')), 'kubernetes');
  cpSync(repo('deploy/kubernetes'), dir, { recursive: true });
  if (withSecrets) {
    writeFileSync(join(dir, 'common/secrets/password'), PASSWORD);
    writeFileSync(join(dir, 'common/secrets/ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  }
  return dir;
}

function kustomize(dir: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (result.error) throw result.error;
  return result;
}

function render(overlay = ''): K8sObject[] {
  const result = kustomize(join(copyOfKubernetes(), overlay));
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const objects = parseAllDocuments(result.stdout).map((doc) => doc.toJS() as K8sObject);
  // kustomize folds a long base64 value over lines (the API server reads it so); the schema wants it on one.
  for (const object of objects)
    if (object.kind === 'Secret')
      for (const key in object.data) object.data[key] = object.data[key]!.replace(/\s+/g, '');
  return objects;
}

describe('deploy/kubernetes', () => {
  for (const [path, generate] of Object.entries(GENERATED)) {
    it(`${path} is generated from its source (run \`npm run manifests\` after changing it)`, () => {
      if (update) writeFileSync(repo(path), generate());
      expect(readFileSync(repo(path), 'utf8')).toBe(generate());
    });
  }

  // Rendered on first use, after the tests above have (re)generated what the base includes.
  let rendered: K8sObject[] | undefined;
  const all = () => (rendered ??= render());
  const find = (kind: string, name?: string) =>
    all().find((o) => o.kind === kind && (name === undefined || o.metadata.name.startsWith(name)))!;

  it('renders with kubectl kustomize, and every object passes its schema', () => {
    const objects = all();
    expect(objects.map((o) => o.kind).sort()).toEqual([
      'ConfigMap',
      'ConfigMap',
      'ConfigMap',
      'ConfigMap',
      'Deployment',
      'NetworkPolicy',
      'PrometheusRule',
      'Secret',
      'Service',
      'ServiceMonitor',
    ]);
    validate(objects);
  });

  function validate(objects: K8sObject[]): void {
    for (const object of objects) {
      const model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(model, `${object.apiVersion} ${object.kind}`).toBeDefined();
      expect(() => model!(object).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
  }

  it('carries no Secret with placeholder data: the Secret comes from the files the operator puts in common/secrets/, and a change rolls the pods', () => {
    const secret = find('Secret', 'sps-exporter-credentials');
    expect(secret.metadata.name).toMatch(/^sps-exporter-credentials-[a-z0-9]{10}$/); // hash suffix
    expect(Buffer.from((secret as any).data.password, 'base64').toString()).toBe(PASSWORD);
    const pod = find('Deployment').spec.template.spec;
    expect(pod.volumes.find((v: any) => v.name === 'secrets').secret.secretName).toBe(secret.metadata.name);
    const committed = spawnSync('git', ['ls-files', 'deploy/kubernetes'], { cwd: repo(''), encoding: 'utf8' }).stdout;
    expect(committed).not.toMatch(/secrets\/(password|ca\.pem)/);
    const missing = kustomize(copyOfKubernetes(false));
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('secrets/password');
  });

  it('labels the ServiceMonitor and PrometheusRule for kube-prometheus-stack, and runs the image tagged with the package version', () => {
    expect(find('ServiceMonitor').metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(find('PrometheusRule').metadata.labels?.release).toBe('kube-prometheus-stack');
    const version = (JSON.parse(readFileSync(repo('package.json'), 'utf8')) as { version: string }).version;
    const image = `sps-exporter:${version}`;
    expect(find('Deployment').spec.template.spec.containers[0].image).toBe(image);
    const compose = parse(readFileSync(repo('deploy/docker-compose.yml'), 'utf8')) as {
      services: { exporter: { image: string } };
    };
    expect(compose.services.exporter.image).toBe(image);
    expect(readFileSync(repo('README.md'), 'utf8')).toContain(`docker build -t ${image} .`);
  });

  it('the sharded overlay runs a StatefulSet of COUNT replicas with --shard=auto/COUNT, instead of the Deployment', () => {
    const objects = render('sharded');
    validate(objects);
    expect(objects.some((o) => o.kind === 'Deployment')).toBe(false);
    const sts = objects.find((o) => o.kind === 'StatefulSet')!;
    const args: string[] = sts.spec.template.spec.containers[0].args;
    const count = Number(/^--shard=auto\/(\d+)$/.exec(args.find((a) => a.startsWith('--shard='))!)![1]);
    expect(sts.spec.replicas).toBe(count);
    expect(sts.spec.template.spec.volumes.find((v: any) => v.name === 'secrets').secret.secretName).toMatch(
      /^sps-exporter-credentials-/,
    );
    expect(objects.filter((o) => o.kind === 'ServiceMonitor')).toHaveLength(1); // scrapes every replica's pod
    // The StatefulSet's serviceName is a headless Service selecting its pods; scrapes go through the ordinary one.
    const governing = objects.find((o) => o.kind === 'Service' && o.metadata.name === sts.spec.serviceName)!;
    expect(governing.spec.clusterIP).toBe('None');
    expect(governing.spec.selector).toEqual(sts.spec.template.metadata.labels);
    const monitor = objects.find((o) => o.kind === 'ServiceMonitor')!;
    expect(
      objects.filter(
        (o) =>
          o.kind === 'Service' &&
          Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v),
      ),
    ).toHaveLength(1);
  });

  it('the schema check would catch a broken object', () => {
    const broken = structuredClone(find('Deployment'));
    broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(() => MODELS['apps/v1/Deployment']!(broken).validate()).toThrow();
  });

  it('runs the exporter non-root, read-only, with limits and both probes, from the generated config', () => {
    const deployment = find('Deployment');
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    expect(container.livenessProbe.httpGet.path).toBe('/-/healthy');
    expect(container.readinessProbe.httpGet.path).toBe('/-/ready');
    const configMap = find('ConfigMap', 'sps-exporter-config');
    expect(pod.volumes.find((v: any) => v.name === 'config').configMap.name).toBe(configMap.metadata.name); // hash suffix followed
    expect(checkAll(checkConfig, parse(configMap.data!['config.yaml']!)).problems).toEqual([]);
    expect(find('Service').spec.ports[0].port).toBe(9684);
    expect(find('ServiceMonitor').spec.endpoints[0].port).toBe('http');
  });

  it("the PrometheusRule holds exactly the rules file's groups, and each dashboard is a sidecar ConfigMap", () => {
    const rules = parse(readFileSync(repo('deploy/prometheus/sps-rules.yml'), 'utf8')) as { groups: unknown[] };
    expect(find('PrometheusRule').spec.groups).toEqual(rules.groups);
    for (const file of ['sps-fleet-overview.json', 'sps-node-detail.json', 'sps-exporter-health.json']) {
      const map = all().find((o) => o.kind === 'ConfigMap' && o.data?.[file] !== undefined)!;
      expect(map.metadata.labels?.grafana_dashboard).toBe('1');
      expect(map.data![file]).toBe(readFileSync(repo(`grafana/dashboards/${file}`), 'utf8'));
    }
  });

  it('a NetworkPolicy admits Prometheus on the metrics port only, and lets the pod reach HTTPS and DNS only', () => {
    const policy = find('NetworkPolicy');
    expect(policy.spec.podSelector.matchLabels).toEqual(find('Deployment').spec.template.metadata.labels);
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([
      {
        from: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
        ports: [{ port: 'http', protocol: 'TCP' }],
      },
    ]);
    const egressPorts = policy.spec.egress
      .flatMap((rule: { ports: { port: number; protocol: string }[] }) =>
        rule.ports.map((p) => `${p.port}/${p.protocol}`),
      )
      .sort();
    expect(egressPorts).toEqual(['443/TCP', '53/TCP', '53/UDP']);
  });

  it("every alert's runbook_url is absolute and follows the one runbook-url setting of the common Component", () => {
    const rule = find('PrometheusRule');
    const urls = rule.spec.groups.flatMap(
      (g: { rules: { alert?: string; annotations?: { runbook_url?: string } }[] }) =>
        g.rules.filter((r) => r.alert).map((r) => r.annotations!.runbook_url!),
    );
    expect(urls.length).toBeGreaterThan(20);
    for (const url of urls)
      expect(url).toMatch(/^https:\/\/runbooks\.example\.com\/sps-exporter\/runbooks\.md#sps[a-z0-9]+$/);
    const dir = copyOfKubernetes();
    const kustomization = join(dir, 'common/kustomization.yaml');
    writeFileSync(
      kustomization,
      readFileSync(kustomization, 'utf8').replace(
        'value: https://runbooks.example.com/sps-exporter/runbooks.md',
        'value: https://wiki.corp.example/ops/sps-runbooks',
      ),
    );
    const result = kustomize(dir);
    expect(result.status).toBe(0);
    const moved = parseAllDocuments(result.stdout)
      .map((doc) => doc.toJS() as K8sObject)
      .find((o) => o.kind === 'PrometheusRule')!;
    const movedUrls = moved.spec.groups.flatMap(
      (g: { rules: { alert?: string; annotations?: { runbook_url?: string } }[] }) =>
        g.rules.filter((r) => r.alert).map((r) => r.annotations!.runbook_url!),
    );
    expect(movedUrls).toEqual(
      urls.map((url: string) =>
        url.replace(
          'https://runbooks.example.com/sps-exporter/runbooks.md',
          'https://wiki.corp.example/ops/sps-runbooks',
        ),
      ),
    );
  });
});
