import type { TrackRecordSettings } from "@vpa/db";

/**
 * The stored track record was computed with other settings (seed, brokerage rate, horizons) than
 * this update asks for. Mixing them would blend two definitions into one figure, so the update
 * refuses; a retry cannot help.
 */
export class TrackRecordSettingsError extends Error {
  readonly code = "TRACK_RECORD_SETTINGS";
  readonly stored: TrackRecordSettings;
  readonly requested: TrackRecordSettings;

  constructor(stored: TrackRecordSettings, requested: TrackRecordSettings) {
    super(
      `the stored track record uses seed ${stored.seed}, brokerage ${stored.brokerageRate}, horizons ${stored.horizons.join(",")}; ` +
        `this update asked for seed ${requested.seed}, brokerage ${requested.brokerageRate}, horizons ${requested.horizons.join(",")}`,
    );
    this.name = "TrackRecordSettingsError";
    this.stored = stored;
    this.requested = requested;
  }
}
