#!/usr/bin/env node
// Sets the garbage collector's flags before anything else is loaded (see gcModeOf), then runs the exporter.
import { applyGcMode, gcModeOf } from './gc.js';

const gcMode = gcModeOf(process.argv.slice(2));
if (gcMode) applyGcMode(gcMode);
await import('./exporter.js');
