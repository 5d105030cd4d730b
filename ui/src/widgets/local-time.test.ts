import { afterEach, describe, expect, it, vi } from "vitest";
import { durationText, localTime } from "./local-time";

afterEach(() => vi.unstubAllEnvs());

describe("localTime", () => {
  it("shows a UTC instant in the machine's local time", () => {
    const iso = "2026-11-23T12:34:56Z";
    const d = new Date(iso);
    const pad = (n: number) => String(n).padStart(2, "0");
    const expected = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    expect(localTime(iso)).toBe(expected);
  });

  it("moves the time by the local offset (India, UTC+5:30)", () => {
    vi.stubEnv("TZ", "Asia/Kolkata");
    expect(localTime("2026-11-23T20:00:00Z")).toBe("2026-11-24 01:30:00");
    expect(localTime("2026-11-23T20:00:00.123+00:00")).toBe("2026-11-24 01:30:00");
  });

  it("moves the time back west of UTC, across a day", () => {
    vi.stubEnv("TZ", "America/New_York");
    expect(localTime("2026-01-01T03:00:00Z")).toBe("2025-12-31 22:00:00");
  });

  it("keeps an unparsable value as it is", () => {
    expect(localTime("not a time")).toBe("not a time");
  });
});

describe("durationText", () => {
  it("words milliseconds, seconds and minutes; nothing when unknown", () => {
    expect(durationText(850)).toBe("850 ms");
    expect(durationText(1234)).toBe("1.2 s");
    expect(durationText(125_000)).toBe("2 min 5 s");
    expect(durationText(null)).toBe("");
  });
});
