import type { Labels, Sample } from '../collect/families.js';
import { FamilyTable } from './family-table.js';
import { FleetView } from './fleet.js';
import { formatLabels } from './format.js';
import { ReadGuard } from './memory.js';
import { viewOf, type NodeView } from './node-view.js';
import { PartRenderer, PatchScratch, type RenderContext } from './part.js';
import { BandPool, ExpositionReader } from './reader.js';

export type { NodeView } from './node-view.js';
export type { ExpositionReader } from './reader.js';

/**
 * A node's series: one rendered part per source (an endpoint, the poll status), and the view of
 * the parts a scrape should read. The poller decides which sources are served (freshness); this
 * renders and lays them out.
 */
export class NodeSeries {
  readonly #context: RenderContext;
  readonly #nodeLabels: string;
  readonly #renderers = new Map<string, PartRenderer>();
  #view: NodeView = viewOf([]);

  constructor(context: RenderContext, labels: Labels) {
    this.#context = context;
    this.#nodeLabels = formatLabels(labels);
  }

  /**
   * Renders `samples` as the part of `source`, replacing its last one. A view taken before may
   * now point at rewritten memory: take a new one before yielding to the event loop.
   */
  set(source: string, samples: readonly Sample[]): void {
    let renderer = this.#renderers.get(source);
    if (!renderer) this.#renderers.set(source, (renderer = new PartRenderer(this.#context, this.#nodeLabels)));
    renderer.render(samples);
  }

  /** A view of the parts of `sources`, in that order (a source never set is left out). */
  view(sources: readonly string[]): NodeView {
    const parts = [];
    for (const source of sources) {
      const part = this.#renderers.get(source)?.part;
      if (part) parts.push(part);
    }
    return (this.#view = viewOf(parts, this.#view));
  }
}

/**
 * A reader of `views` through the fleet's merged groups: it holds the groups' memory, and the
 * parts' when a group is read from them. Exposition.reader's, and its tests'.
 */
export function fleetReader(
  { fleet, context, bands }: { fleet: FleetView; context: RenderContext; bands: BandPool },
  views: readonly NodeView[],
): ExpositionReader {
  const { views: groups, readsParts } = fleet.groups(views);
  const guards = readsParts ? [fleet.guard, context.guard] : [fleet.guard];
  return new ExpositionReader({ views: groups, table: context.table, guards, bands });
}

/**
 * The exporter's exposition: every node's rendered series, and readers of them for scrapes.
 * One is made by the server and handed to the scheduler; all the memory and scratch that
 * rendering and reading reuse belong to it.
 */
export class Exposition {
  readonly #context: RenderContext = { table: new FamilyTable(), guard: new ReadGuard(), scratch: new PatchScratch() };
  readonly #fleet: FleetView;
  readonly #bands = new BandPool();

  /** `mergeBelow`: see MERGE_BELOW_BYTES. */
  constructor({ mergeBelow }: { mergeBelow?: number } = {}) {
    this.#fleet = new FleetView(this.#context.table, mergeBelow);
  }

  /** The series of a node with these labels (its `node` label among them), in front of each sample's own. */
  nodeSeries(labels: Labels): NodeSeries {
    return new NodeSeries(this.#context, labels);
  }

  /**
   * A reader of the exposition of these node views, in this order: each family once, its samples
   * node by node. A snapshot: the views are read before it returns, and the memory they point
   * into is not rewritten until the reader is closed (or read to the end).
   */
  reader(views: readonly NodeView[]): ExpositionReader {
    return fleetReader({ fleet: this.#fleet, context: this.#context, bands: this.#bands }, views);
  }

  /** One node's exposition in one buffer (/probe). */
  render(view: NodeView): Buffer {
    return new ExpositionReader({
      views: [view],
      table: this.#context.table,
      guards: [this.#context.guard],
      bands: this.#bands,
    }).toBuffer();
  }
}
