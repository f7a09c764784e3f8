import type { Engine } from './engine.js';
import type { VolumeSettings } from './types.js';

/** The settings a running client takes up without reopening: limits, trash days, whether quotas exist and the inline size (not storage or block size). */
const LIVE_FIELDS = ['capacity', 'inodeLimit', 'trashDays', 'quotas', 'inlineSize'] as const;

/**
 * Re-reads the stored settings and copies the live fields into `settings` in place (every
 * operation reads them from there), so `slicefs config` reaches running clients at their next
 * heartbeat. Storage and block size are taken up at the next open.
 */
export async function refreshLiveSettings(engine: Engine, settings: VolumeSettings): Promise<void> {
  const stored = await engine.loadSettings();
  if (!stored || stored.uuid !== settings.uuid) return;
  for (const field of LIVE_FIELDS) {
    if (stored[field] === undefined) delete settings[field];
    else (settings as unknown as Record<string, unknown>)[field] = stored[field];
  }
}
