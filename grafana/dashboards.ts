/**
 * The Grafana dashboards, as typed code (Grafana Foundation SDK): `npm run dashboards` writes
 * grafana/dashboards/*.json, and the tests fail if the committed JSON differs from what this builds.
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as common from '@grafana/grafana-foundation-sdk/common';

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };
/**
 * The labels operators give their targets to tell an estate apart (config `labels`): each is a
 * dashboard variable (All matches series without it too), and every query is filtered by all of them.
 */
export const ESTATE_LABELS = ['environment', 'cluster', 'site'] as const;
const ESTATE = ESTATE_LABELS.map((label) => `${label}=~"$${label}"`).join(', ');
const NODE = `node=~"$node", ${ESTATE}`;

type PanelBuilder = stat.PanelBuilder | table.PanelBuilder | timeseries.PanelBuilder;

function query(expr: string, legend = '', refId = 'A', instant = false): DataqueryBuilder {
  const q = new DataqueryBuilder()
    .expr(expr)
    .legendFormat(legend || '__auto')
    .refId(refId)
    .datasource(DATASOURCE);
  return instant ? q.instant().format(PromQueryFormat.Table) : q.range();
}

function steps(...pairs: [number | null, string][]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps(pairs.map(([value, color]) => ({ value, color })));
}

/** Text and colour for each documented RAID status code. */
const RAID_MAPPING: dashboard.ValueMapping[] = [
  {
    type: dashboard.MappingType.ValueToText,
    options: {
      '-1': { text: 'UNKNOWN', color: 'purple', index: 0 },
      '0': { text: 'OK', color: 'green', index: 1 },
      '1': { text: 'WARNING', color: 'yellow', index: 2 },
      '2': { text: 'DEGRADED', color: 'red', index: 3 },
      '3': { text: 'DEGRADED_SYNCING', color: 'orange', index: 4 },
      '4': { text: 'CRITICAL', color: 'dark-red', index: 5 },
    },
  },
];
const RAID_THRESHOLDS = () => steps([null, 'green'], [1, 'yellow'], [2, 'red']);
/** Text and colour for a 0/1 series: what 0 means, then what 1 means. */
function twoStates(zero: [text: string, color: string], one: [text: string, color: string]): dashboard.ValueMapping[] {
  return [
    {
      type: dashboard.MappingType.ValueToText,
      options: {
        '0': { text: zero[0], color: zero[1], index: 0 },
        '1': { text: one[0], color: one[1], index: 1 },
      },
    },
  ];
}
const UP_MAPPING = twoStates(['DOWN', 'red'], ['UP', 'green']);
const OK_MAPPING = twoStates(['FAILED', 'red'], ['OK', 'green']);
const CERT_THRESHOLDS = () => steps([null, 'red'], [7, 'orange'], [30, 'green']);

function statPanel(title: string, unit: string, ...targets: DataqueryBuilder[]): stat.PanelBuilder {
  const panel = new stat.PanelBuilder()
    .title(title)
    .unit(unit)
    .datasource(DATASOURCE)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']));
  for (const target of targets) panel.withTarget(target);
  return panel;
}

function graph(title: string, unit: string, ...targets: DataqueryBuilder[]): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder().title(title).unit(unit).datasource(DATASOURCE).fillOpacity(10);
  for (const target of targets) panel.withTarget(target);
  return panel;
}

function tablePanel(title: string, unit: string, ...targets: DataqueryBuilder[]): table.PanelBuilder {
  const panel = new table.PanelBuilder().title(title).unit(unit).datasource(DATASOURCE);
  for (const target of targets) panel.withTarget(target);
  return panel;
}

function variables(builder: dashboard.DashboardBuilder, node: { multi: boolean }): dashboard.DashboardBuilder {
  builder.withVariable(new dashboard.DatasourceVariableBuilder('datasource').label('Data source').type('prometheus'));
  for (const label of ESTATE_LABELS) {
    builder.withVariable(
      new dashboard.QueryVariableBuilder(label)
        .label(label[0]!.toUpperCase() + label.slice(1))
        .datasource(DATASOURCE)
        .query(`label_values(sps_up, ${label})`)
        .definition(`label_values(sps_up, ${label})`)
        .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
        .sort(dashboard.VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    );
  }
  return builder.withVariable(
    new dashboard.QueryVariableBuilder('node')
      .label('Node')
      .datasource(DATASOURCE)
      .query(`label_values(sps_up{${ESTATE}}, node)`)
      .definition(`label_values(sps_up{${ESTATE}}, node)`)
      .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
      .sort(dashboard.VariableSort.AlphabeticalAsc)
      .multi(node.multi)
      .includeAll(node.multi),
  );
}

function base(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['sps', 'sps-exporter'])
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .link(
      new dashboard.DashboardLinkBuilder('SPS dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(['sps'])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
}

const layout = (panel: PanelBuilder, w: number, h: number) => panel.span(w).height(h);

/** A cluster-member metric for the selected nodes, whether they are the Central Management node or the member. */
const members = (metric: string) => `(${metric}{${NODE}} or ${metric}{member=~"$node", ${ESTATE}})`;

export function fleetOverview(): dashboard.Dashboard {
  const perNode = (expr: string, refId: string) => query(expr, '', refId, true);
  const nodes = tablePanel(
    'Nodes',
    'none',
    perNode(`max by (node) (sps_up{${NODE}})`, 'up'),
    perNode(`max by (node, firmware_version) (sps_info{${NODE}})`, 'firmware'),
    perNode(`max by (node) (sps_active_sessions_reported{${NODE}})`, 'sessions'),
    perNode(`max by (node) (sps_disk_usage_ratio{${NODE}})`, 'disk'),
    perNode(`max by (node) (sps_raid_status_code{${NODE}})`, 'raid'),
    perNode(`min by (node) (sps_certificate_expiry_days{${NODE}})`, 'cert'),
    perNode(`sum by (node) (1 - sps_indexer_service_active{${NODE}})`, 'services'),
  )
    .description(
      'One row per SPS node: poll state, firmware, sessions, disk, RAID, the earliest indexer certificate expiry and indexer services down.',
    )
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true, 'Value #firmware': true },
        renameByName: {
          'Value #up': 'Up',
          firmware_version: 'Firmware',
          'Value #sessions': 'Sessions',
          'Value #disk': 'Disk used',
          'Value #raid': 'RAID',
          'Value #cert': 'Certificate expires in',
          'Value #services': 'Indexer services down',
        },
      },
    })
    .overrideByName('Up', [
      { id: 'mappings', value: UP_MAPPING },
      { id: 'custom.cellOptions', value: { type: 'color-background' } },
    ])
    .overrideByName('Disk used', [
      { id: 'unit', value: 'percentunit' },
      { id: 'thresholds', value: steps([null, 'green'], [0.75, 'orange'], [0.85, 'red']).build() },
      { id: 'custom.cellOptions', value: { type: 'color-text' } },
    ])
    .overrideByName('RAID', [
      { id: 'mappings', value: RAID_MAPPING },
      { id: 'thresholds', value: RAID_THRESHOLDS().build() },
      { id: 'custom.cellOptions', value: { type: 'color-background' } },
    ])
    .overrideByName('Certificate expires in', [
      { id: 'unit', value: 'd' },
      { id: 'decimals', value: 1 },
      { id: 'thresholds', value: CERT_THRESHOLDS().build() },
      { id: 'custom.cellOptions', value: { type: 'color-text' } },
    ])
    .overrideByName('Indexer services down', [
      { id: 'thresholds', value: steps([null, 'green'], [1, 'red']).build() },
      { id: 'custom.cellOptions', value: { type: 'color-text' } },
    ]);

  return variables(base('sps-fleet-overview', 'SPS / Fleet overview', 'Every SPS node at a glance (sps-exporter).'), {
    multi: true,
  })
    .withRow(new dashboard.RowBuilder('Fleet'))
    .withPanel(
      layout(
        statPanel('Nodes up', 'percentunit', query(`avg(sps_up{${NODE}})`)).thresholds(
          steps([null, 'red'], [0.99, 'green']),
        ),
        4,
        4,
      ),
    )
    .withPanel(layout(statPanel('Active sessions', 'none', query(`sum(sps_active_sessions_reported{${NODE}})`)), 4, 4))
    .withPanel(
      layout(
        statPanel('Worst RAID state', 'none', query(`max(sps_raid_status_code{${NODE}})`))
          .mappings(RAID_MAPPING)
          .thresholds(RAID_THRESHOLDS()),
        4,
        4,
      ),
    )
    .withPanel(
      layout(
        statPanel('Earliest certificate expiry', 'd', query(`min(sps_certificate_expiry_days{${NODE}})`))
          .decimals(1)
          .thresholds(CERT_THRESHOLDS()),
        4,
        4,
      ),
    )
    .withPanel(
      layout(
        statPanel(
          'Indexer services down',
          'none',
          query(`count(sps_indexer_service_active{${NODE}} == 0) or vector(0)`),
        ).thresholds(steps([null, 'green'], [1, 'red'])),
        4,
        4,
      ),
    )
    .withPanel(
      layout(
        statPanel(
          'Firing SPS alerts',
          'none',
          query(`count(ALERTS{alertname=~"SPS.+", alertstate="firing", ${ESTATE}}) or vector(0)`),
        ).thresholds(steps([null, 'green'], [1, 'red'])),
        4,
        4,
      ),
    )
    .withPanel(layout(nodes, 24, 10))
    .withPanel(
      layout(
        tablePanel(
          'Cluster members (as each Central Management node sees them)',
          'none',
          // A selected node shows the members it sees as a Central Management node, and its own row as a member.
          perNode(`max by (cluster, member) (${members('sps_cluster_member_up')})`, 'up'),
          perNode(
            `max by (cluster, member) (time() - ${members('sps_cluster_member_last_seen_timestamp_seconds')})`,
            'seen',
          ),
          perNode(`max by (cluster, member, status) (${members('sps_cluster_member_sync_status')} == 1)`, 'sync'),
          perNode(`max by (cluster, member) (${members('sps_cluster_member_config_sync_warnings')})`, 'warnings'),
        )
          .withTransformation({ id: 'merge', options: {} })
          .withTransformation({
            id: 'organize',
            options: {
              excludeByName: { Time: true, 'Value #sync': true },
              renameByName: {
                'Value #up': 'Up',
                'Value #seen': 'Last seen',
                status: 'Sync status',
                'Value #warnings': 'Sync warnings',
              },
            },
          })
          .overrideByName('Up', [
            { id: 'mappings', value: UP_MAPPING },
            { id: 'custom.cellOptions', value: { type: 'color-background' } },
          ])
          .overrideByName('Last seen', [
            { id: 'unit', value: 's' },
            { id: 'decimals', value: 0 },
            { id: 'thresholds', value: steps([null, 'green'], [300, 'red']).build() },
            { id: 'custom.cellOptions', value: { type: 'color-text' } },
          ])
          .overrideByName('Sync warnings', [
            { id: 'thresholds', value: steps([null, 'green'], [1, 'orange']).build() },
            { id: 'custom.cellOptions', value: { type: 'color-text' } },
          ]),
        24,
        8,
      ),
    )
    .withRow(new dashboard.RowBuilder('Sessions and alerts'))
    .withPanel(
      layout(
        graph(
          'Sessions by protocol',
          'none',
          query(`sum by (protocol) (sps_active_sessions{${NODE}})`, '{{protocol}}'),
        ).stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal)),
        12,
        8,
      ),
    )
    .withPanel(
      layout(
        graph(
          'Disk usage',
          'percentunit',
          query(`sps_disk_usage_ratio{${NODE}}`, '{{node}}', 'A'),
          query(`sps_disk_fillup_prevention_limit_ratio{${NODE}}`, 'fill-up limit {{node}}', 'B'),
        )
          .max(1)
          .thresholds(steps([null, 'green'], [0.85, 'red']))
          .overrideByQuery('B', [
            { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
            { id: 'custom.fillOpacity', value: 0 },
            { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
          ]),
        12,
        8,
      ),
    )
    .withPanel(
      layout(
        tablePanel(
          'Firing alerts',
          'none',
          query(`ALERTS{alertname=~"SPS.+", alertstate="firing", ${ESTATE}}`, '', 'A', true),
        ).withTransformation({
          id: 'organize',
          options: {
            excludeByName: { Time: true, Value: true, __name__: true, alertstate: true, job: true, instance: true },
          },
        }),
        24,
        8,
      ),
    )
    .build();
}

export function nodeDetail(): dashboard.Dashboard {
  const n = `node="$node", ${ESTATE}`;
  return variables(base('sps-node-detail', 'SPS / Node detail', 'One SPS node in depth (sps-exporter).'), {
    multi: false,
  })
    .withRow(new dashboard.RowBuilder('State'))
    .withPanel(
      layout(
        statPanel('Polled', 'none', query(`sps_up{${n}}`))
          .mappings(UP_MAPPING)
          .thresholds(steps([null, 'red'], [1, 'green'])),
        4,
        4,
      ),
    )
    .withPanel(
      layout(
        statPanel('RAID', 'none', query(`sps_raid_status_code{${n}}`))
          .mappings(RAID_MAPPING)
          .thresholds(RAID_THRESHOLDS()),
        4,
        4,
      ),
    )
    .withPanel(
      layout(
        statPanel('RAID operation progress', 'percentunit', query(`sps_raid_operation_progress_ratio{${n}}`)),
        4,
        4,
      ),
    )
    .withPanel(layout(statPanel('Active sessions', 'none', query(`sps_active_sessions_reported{${n}}`)), 4, 4))
    .withPanel(
      layout(
        statPanel('Firmware integrity', 'none', query(`min(sps_firmware_integrity_ok{${n}})`))
          .mappings(OK_MAPPING)
          .thresholds(steps([null, 'red'], [1, 'green'])),
        4,
        4,
      ),
    )
    .withPanel(
      layout(
        statPanel('Tainted firmware files', 'none', query(`sum(sps_firmware_tainted_files{${n}})`)).thresholds(
          steps([null, 'green'], [1, 'orange']),
        ),
        4,
        4,
      ),
    )
    .withPanel(
      layout(
        statPanel('Firmware reboot pending', 'none', query(`sps_firmware_reboot_pending{${n}}`))
          .mappings(twoStates(['no', 'green'], ['STAGED', 'orange']))
          .thresholds(steps([null, 'green'], [1, 'orange'])),
        4,
        4,
      ),
    )
    .withPanel(
      layout(
        tablePanel('Firmware: running and next boot', 'none', query(`sps_firmware_info{${n}}`, '', 'A', true)),
        8,
        4,
      ),
    )
    .withRow(new dashboard.RowBuilder('System'))
    .withPanel(
      layout(
        graph(
          'Load',
          'short',
          query(`sps_load1{${n}}`, 'load1', 'A'),
          query(`sps_load5{${n}}`, 'load5', 'B'),
          query(`sps_load15{${n}}`, 'load15', 'C'),
        ),
        8,
        8,
      ),
    )
    .withPanel(
      layout(
        graph('CPU by mode', 'percentunit', query(`sps_cpu_mode_ratio{${n}, mode!="idle"}`, '{{mode}}')).stacking(
          new common.StackingConfigBuilder().mode(common.StackingMode.Normal),
        ),
        8,
        8,
      ),
    )
    .withPanel(
      layout(
        graph(
          'Memory',
          'bytes',
          query(`{__name__=~"sps_memory_(used|available|cached|buffers|free)_bytes", ${n}}`, '{{__name__}}'),
        ),
        8,
        8,
      ),
    )
    .withPanel(
      layout(
        graph(
          'Swap',
          'bytes',
          query(`sps_swap_used_bytes{${n}}`, 'used', 'A'),
          query(`sps_swap_total_bytes{${n}}`, 'total', 'B'),
          query(`rate(sps_swap_in_bytes_total{${n}}[$__rate_interval])`, 'in /s', 'C'),
          query(`rate(sps_swap_out_bytes_total{${n}}[$__rate_interval])`, 'out /s', 'D'),
        ),
        8,
        8,
      ),
    )
    .withPanel(
      layout(
        graph(
          'Disk',
          'percentunit',
          query(`sps_disk_usage_ratio{${n}}`, 'used', 'A'),
          query(`sps_disk_fillup_prevention_limit_ratio{${n}}`, 'fill-up limit', 'B'),
          query(`sps_threshold_disk_usage_ratio{${n}}`, 'appliance threshold', 'C'),
        )
          .max(1)
          .thresholds(steps([null, 'green'], [0.85, 'red']))
          .thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Line))
          .overrideByQuery('B', [
            { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
            { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
          ]),
        8,
        8,
      ),
    )
    .withPanel(
      layout(
        graph(
          'Disk space',
          'bytes',
          query(`sps_disk_used_bytes{${n}}`, 'used', 'A'),
          query(`sps_disk_free_bytes{${n}}`, 'free', 'B'),
        ),
        8,
        8,
      ),
    )
    .withRow(new dashboard.RowBuilder('Sessions and pipelines'))
    .withPanel(
      layout(
        graph('Sessions by protocol', 'none', query(`sps_active_sessions{${n}}`, '{{protocol}}')).stacking(
          new common.StackingConfigBuilder().mode(common.StackingMode.Normal),
        ),
        12,
        8,
      ),
    )
    .withPanel(
      layout(
        graph('Pipeline queues', 'percentunit', query(`sps_pipeline_queue_fullness_ratio{${n}}`, '{{queue}}'))
          .max(1)
          .thresholds(steps([null, 'green'], [0.8, 'red'])),
        12,
        8,
      ),
    )
    .withRow(new dashboard.RowBuilder('RAID'))
    .withPanel(
      layout(
        tablePanel('RAID disks', 'none', query(`sps_raid_disk_status{${n}} == 1`, '', 'A', true))
          .withTransformation({
            id: 'organize',
            options: { excludeByName: { Time: true, Value: true, __name__: true, job: true, instance: true } },
          })
          .overrideByName('status', [
            {
              id: 'mappings',
              value: [
                {
                  type: dashboard.MappingType.ValueToText,
                  options: {
                    OK: { color: 'green', index: 0 },
                    SPARE: { color: 'blue', index: 1 },
                    REBUILDING: { color: 'orange', index: 2 },
                    FAULTY: { color: 'red', index: 3 },
                  },
                },
              ],
            },
            { id: 'custom.cellOptions', value: { type: 'color-background' } },
          ]),
        12,
        8,
      ),
    )
    .withPanel(
      layout(
        graph('RAID state over time', 'none', query(`sps_raid_status_code{${n}}`, 'status code'))
          .mappings(RAID_MAPPING)
          .thresholds(RAID_THRESHOLDS()),
        12,
        8,
      ),
    )
    .withRow(new dashboard.RowBuilder('Indexer'))
    .withPanel(
      layout(
        graph(
          'Indexer workers',
          'none',
          query(`sps_indexer_workers{${n}}`, 'workers {{capabilities}} {{ip}}', 'A'),
          query(`sps_indexer_idle_workers{${n}}`, 'idle {{capabilities}} {{ip}}', 'B'),
        ),
        8,
        8,
      ),
    )
    .withPanel(
      layout(
        graph(
          'Indexer jobs',
          'none',
          query(`sum by (task) (sps_indexer_jobs{${n}})`, '{{task}}', 'A'),
          query(`sps_indexer_remaining_tasks{${n}}`, 'queued', 'B'),
          query(`sps_indexer_processing_tasks{${n}}`, 'processing', 'C'),
        ),
        8,
        8,
      ),
    )
    .withPanel(
      layout(
        statPanel('Indexer services', 'none', query(`sps_indexer_service_active{${n}}`, '{{indexer_service}}'))
          .mappings(UP_MAPPING)
          .thresholds(steps([null, 'red'], [1, 'green'])),
        8,
        8,
      ),
    )
    .withPanel(
      layout(
        statPanel('Certificates: days to expiry', 'd', query(`sps_certificate_expiry_days{${n}}`, '{{certificate}}'))
          .decimals(1)
          .thresholds(CERT_THRESHOLDS()),
        12,
        5,
      ),
    )
    .withPanel(
      layout(
        statPanel('Worker warnings', 'none', query(`sps_indexer_worker_warnings{${n}}`)).thresholds(
          steps([null, 'green'], [1, 'orange']),
        ),
        12,
        5,
      ),
    )
    .withRow(new dashboard.RowBuilder('Web certificate'))
    .withPanel(
      layout(
        statPanel(
          'Web certificate: days to expiry',
          'd',
          query(`(sps_server_certificate_expiry_timestamp_seconds{${n}} - time()) / 86400`, 'certificate', 'A'),
          query(
            `(sps_server_certificate_chain_expiry_timestamp_seconds{${n}} - time()) / 86400`,
            'earliest in chain',
            'B',
          ),
        )
          .decimals(1)
          .thresholds(CERT_THRESHOLDS()),
        24,
        5,
      ),
    )
    .build();
}

export function exporterHealth(): dashboard.Dashboard {
  return (
    variables(
      base(
        'sps-exporter-health',
        'SPS / Exporter health',
        'How sps-exporter itself is doing: polls, errors, logins, staleness.',
      ),
      {
        multi: true,
      },
    )
      .withRow(new dashboard.RowBuilder('Polls'))
      .withPanel(layout(graph('Poll duration', 's', query(`sps_poll_duration_seconds{${NODE}}`, '{{node}}')), 12, 8))
      .withPanel(
        layout(
          graph('Data age', 's', query(`time() - sps_last_success_timestamp_seconds{${NODE}}`, '{{node}}')),
          12,
          8,
        ),
      )
      .withPanel(
        layout(
          graph(
            'Poll errors by reason',
            'reqps',
            query(
              `sum by (node, api_endpoint, reason) (rate(sps_exporter_poll_errors_total{${NODE}}[$__rate_interval]))`,
              '{{node}} {{api_endpoint}} {{reason}}',
            ),
          ),
          12,
          8,
        ),
      )
      .withPanel(
        layout(
          graph('Polls', 'reqps', query(`sum(rate(sps_exporter_polls_total{${NODE}}[$__rate_interval]))`, 'polls/s')),
          12,
          8,
        ),
      )
      // Kept alive, a node's connection is opened once, so these stay at 0; a node above 0 pays a TLS handshake per reconnect.
      .withPanel(
        layout(
          graph(
            'Connections opened (top 10 nodes)',
            'reqps',
            query(
              `topk(10, sum by (node) (rate(sps_exporter_connections_total{${NODE}}[$__rate_interval])))`,
              '{{node}}',
            ),
          ),
          24,
          6,
        ),
      )
      .withRow(new dashboard.RowBuilder('Logins'))
      .withPanel(layout(statPanel('Logins', 'none', query(`sum(sps_exporter_logins_total{${NODE}})`)), 6, 4))
      .withPanel(
        layout(
          statPanel('Failed logins', 'none', query(`sum(sps_exporter_login_failures_total{${NODE}})`)).thresholds(
            steps([null, 'green'], [1, 'red']),
          ),
          6,
          4,
        ),
      )
      .withPanel(
        layout(
          statPanel('Nodes down', 'none', query(`count(sps_up{${NODE}} == 0) or vector(0)`)).thresholds(
            steps([null, 'green'], [1, 'red']),
          ),
          6,
          4,
        ),
      )
      .withPanel(
        layout(
          statPanel('Config reload', 'none', query('min(sps_exporter_config_last_reload_successful)'))
            .mappings(OK_MAPPING)
            .thresholds(steps([null, 'red'], [1, 'green'])),
          6,
          4,
        ),
      )
      .withRow(new dashboard.RowBuilder('Process'))
      .withPanel(
        layout(
          graph(
            'Exporter CPU',
            'percentunit',
            query('rate(process_cpu_seconds_total{job=~"sps.*"}[$__rate_interval])', '{{instance}}'),
          ),
          12,
          8,
        ),
      )
      .withPanel(
        layout(
          graph('Exporter memory', 'bytes', query('process_resident_memory_bytes{job=~"sps.*"}', '{{instance}}')),
          12,
          8,
        ),
      )
      .build()
  );
}

export const DASHBOARDS: Record<string, () => dashboard.Dashboard> = {
  'sps-fleet-overview.json': fleetOverview,
  'sps-node-detail.json': nodeDetail,
  'sps-exporter-health.json': exporterHealth,
};

export function render(build: () => dashboard.Dashboard): string {
  return `${JSON.stringify(build(), null, 2)}\n`;
}
