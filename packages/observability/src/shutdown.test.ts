import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { createLogger } from "./logger.js";
import { onShutdown } from "./shutdown.js";

function setup() {
  const lines: string[] = [];
  const logger = createLogger({ service: "router", level: "info", destination: { write: (line: string) => void lines.push(line) } });
  const signals = new EventEmitter();
  const exit = vi.fn<(code: number) => void>();
  const messages = () => lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
  return { logger, signals, exit, messages };
}

describe("onShutdown", () => {
  it("runs the handler once however many signals arrive, then exits 0", async () => {
    const { logger, signals, exit, messages } = setup();
    const handler = vi.fn(async () => {});
    onShutdown(["SIGTERM", "SIGINT"], handler, { timeoutMs: 1000, logger, signals, exit });

    signals.emit("SIGTERM", "SIGTERM");
    signals.emit("SIGINT", "SIGINT");
    signals.emit("SIGTERM", "SIGTERM");
    await vi.waitFor(() => expect(exit).toHaveBeenCalled());

    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler).toHaveBeenCalledWith("SIGTERM");
    expect(exit.mock.calls).toEqual([[0]]);
    expect(messages()).toEqual(["shutting down", "already shutting down; signal ignored", "already shutting down; signal ignored", "shutdown complete"]);
  });

  it("exits 1 and logs the error when the handler fails", async () => {
    const { logger, signals, exit, messages } = setup();
    onShutdown(["SIGTERM"], () => Promise.reject(new Error("producer flush failed")), { timeoutMs: 1000, logger, signals, exit });
    signals.emit("SIGTERM", "SIGTERM");
    await vi.waitFor(() => expect(exit).toHaveBeenCalled());
    expect(exit.mock.calls).toEqual([[1]]);
    expect(messages()).toContain("shutdown failed");
  });

  it("forces exit 1 with the reason logged when the handler outlasts the timeout", async () => {
    vi.useFakeTimers();
    try {
      const { logger, signals, exit, messages } = setup();
      onShutdown(["SIGTERM"], () => new Promise<void>(() => {}), { timeoutMs: 5000, logger, signals, exit });
      signals.emit("SIGTERM", "SIGTERM");
      await vi.advanceTimersByTimeAsync(4999);
      expect(exit).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(exit.mock.calls).toEqual([[1]]);
      expect(messages()).toContain("shutdown did not finish in time; forcing exit");
    } finally {
      vi.useRealTimers();
    }
  });

  it("does not force an exit after a handler that finished in time", async () => {
    vi.useFakeTimers();
    try {
      const { logger, signals, exit } = setup();
      onShutdown(["SIGTERM"], async () => {}, { timeoutMs: 100, logger, signals, exit });
      signals.emit("SIGTERM", "SIGTERM");
      await vi.advanceTimersByTimeAsync(1000);
      expect(exit.mock.calls).toEqual([[0]]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("stops listening when the returned function is called", () => {
    const { logger, signals, exit } = setup();
    const handler = vi.fn();
    const dispose = onShutdown(["SIGTERM", "SIGINT"], handler, { timeoutMs: 1000, logger, signals, exit });
    dispose();
    signals.emit("SIGTERM", "SIGTERM");
    expect(signals.listenerCount("SIGTERM") + signals.listenerCount("SIGINT")).toBe(0);
    expect(handler).not.toHaveBeenCalled();
  });
});
