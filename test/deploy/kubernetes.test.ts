import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { GENERATED } from '../../deploy/kubernetes/generate.js';
import { ConfigSchema } from '../../src/config/schema.js';

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const update = process.env.UPDATE_MANIFESTS === '1';

/** The schema model for each kind the base renders: validate() throws on any schema violation. */
const MODELS: Record<string, (object: any) => { validate(): void }> = {
  'apps/v1/Deployment': (o) => new Deployment(o),
  'v1/Service': (o) => new Service(o),
  'v1/ConfigMap': (o) => new ConfigMap(o),
  'v1/Secret': (o) => new Secret(o),
  'monitoring.coreos.com/v1/ServiceMonitor': (o) => new ServiceMonitor(o),
  'monitoring.coreos.com/v1/PrometheusRule': (o) => new PrometheusRule(o),
};

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; spec?: any; data?: Record<string, string> };

function render(): K8sObject[] {
  const result = spawnSync('kubectl', ['kustomize', repo('deploy/kubernetes')], { encoding: 'utf8' });
  if (result.error) throw result.error;
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return parseAllDocuments(result.stdout).map((doc) => doc.toJS() as K8sObject);
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
  const find = (kind: string, name?: string) => all().find((o) => o.kind === kind && (name === undefined || o.metadata.name.startsWith(name)))!;

  it('renders with kubectl kustomize, and every object passes its schema', () => {
    const objects = all();
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'ConfigMap', 'ConfigMap', 'ConfigMap', 'Deployment', 'PrometheusRule', 'Secret', 'Service', 'ServiceMonitor']);
    for (const object of objects) {
      const model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect(model, `${object.apiVersion} ${object.kind}`).toBeDefined();
      expect(() => model!(object).validate(), `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
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
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    expect(container.livenessProbe.httpGet.path).toBe('/-/healthy');
    expect(container.readinessProbe.httpGet.path).toBe('/-/ready');
    const configMap = find('ConfigMap', 'sps-exporter-config');
    expect(pod.volumes.find((v: any) => v.name === 'config').configMap.name).toBe(configMap.metadata.name); // hash suffix followed
    const config = ConfigSchema.safeParse(parse(configMap.data!['config.yaml']!));
    expect(config.success, JSON.stringify(config.error?.issues)).toBe(true);
    expect(find('Service').spec.ports[0].port).toBe(9684);
    expect(find('ServiceMonitor').spec.endpoints[0].port).toBe('http');
  });

  it('the PrometheusRule holds exactly the rules file\'s groups, and each dashboard is a sidecar ConfigMap', () => {
    const rules = parse(readFileSync(repo('deploy/prometheus/sps-rules.yml'), 'utf8')) as { groups: unknown[] };
    expect(find('PrometheusRule').spec.groups).toEqual(rules.groups);
    for (const file of ['sps-fleet-overview.json', 'sps-node-detail.json', 'sps-exporter-health.json']) {
      const map = all().find((o) => o.kind === 'ConfigMap' && o.data?.[file] !== undefined)!;
      expect(map.metadata.labels?.grafana_dashboard).toBe('1');
      expect(map.data![file]).toBe(readFileSync(repo(`grafana/dashboards/${file}`), 'utf8'));
    }
  });
});
