import type { Component } from '../../shared/lifecycle/component.js';

/** How long a clean stop may take before the process exits anyway. */
const STOP_DEADLINE_MS = 10_000;

/**
 * Starts a component and keeps the process alive until SIGINT or SIGTERM, then stops it cleanly
 * (sockets closed, retained offline status sent). A second signal, or a stop that hangs past the
 * deadline, exits at once.
 */
export async function runUntilSignal(component: Component, say: (line: string) => void): Promise<void> {
  await component.start();
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        say(`${signal} again: exiting now`);
        process.exit(130);
      }
      stopping = true;
      say(`${signal}: stopping…`);
      const deadline = setTimeout(() => {
        say(`stop took longer than ${STOP_DEADLINE_MS / 1000} s: exiting`);
        process.exit(1);
      }, STOP_DEADLINE_MS);
      deadline.unref();
      component.stop().then(
        () => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          resolve();
        },
        () => process.exit(1),
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
