import type { Labels, Sample } from '../../src/collect/families.js';
import { Exposition, fleetReader } from '../../src/exposition/exposition.js';
import { FamilyTable } from '../../src/exposition/family-table.js';
import type { FleetView } from '../../src/exposition/fleet.js';
import { formatLabels } from '../../src/exposition/format.js';
import { ReadGuard } from '../../src/exposition/memory.js';
import { viewOf, type NodeView } from '../../src/exposition/node-view.js';
import { PartRenderer, PatchScratch, type RenderContext, type RenderedPart } from '../../src/exposition/part.js';
import { BandPool, ExpositionReader } from '../../src/exposition/reader.js';

/** What an Exposition owns, for tests of its pieces. */
export function renderContext(): RenderContext {
  return { table: new FamilyTable(), guard: new ReadGuard(), scratch: new PatchScratch() };
}

/** A reader of node views whose parts `context` rendered. */
export function readerOf(context: RenderContext, views: readonly NodeView[], bandBytes?: number): ExpositionReader {
  return new ExpositionReader({
    views,
    table: context.table,
    guards: [context.guard],
    bands: new BandPool(),
    bandBytes,
  });
}

/** A reader of a fleet's merged groups, made by the function Exposition.reader calls. */
export function readerOfFleet(context: RenderContext, fleet: FleetView, views: readonly NodeView[]): ExpositionReader {
  return fleetReader({ fleet, context, bands: new BandPool() }, views);
}

/** The exposition of parts (one node's, side by side) as text. */
export function partsText(context: RenderContext, parts: readonly RenderedPart[]): string {
  return readerOf(context, [viewOf(parts)])
    .toBuffer()
    .toString('utf8');
}

/** `samples` rendered whole by a renderer of their own, as a patch must equal byte for byte. */
export function renderWhole(context: RenderContext, samples: readonly Sample[], nodeLabels = ''): RenderedPart {
  return new PartRenderer(context, nodeLabels).render(samples);
}

export const nodeLabels = (labels: Record<string, string>) => formatLabels(labels);

/** The exposition of these samples as one node's, in one buffer, through the real Exposition. */
export function renderSamples(samples: readonly Sample[], labels: Labels = {}): Buffer {
  const exposition = new Exposition();
  const series = exposition.nodeSeries(labels);
  series.set('samples', samples);
  return exposition.render(series.view(['samples']));
}
