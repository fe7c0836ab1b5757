import type { Logger } from '../log/logger.js';

/**
 * A long-lived part of a process. The constructor only assigns; start() acquires (ports, sockets,
 * files) and stop() releases. stop() must be safe to call after a failed or partial start.
 */
export interface Component {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts components in order and stops them in reverse. A start failure stops what already started
 * and rethrows; a stop failure is logged and the rest still stop, so one bad part never leaves
 * sockets open behind it.
 */
export class ComponentGroup implements Component {
  private started: Component[] = [];

  constructor(
    readonly name: string,
    private readonly components: readonly Component[],
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    for (const component of this.components) {
      try {
        await component.start();
        this.started.push(component);
        this.logger.debug({ component: component.name }, 'started');
      } catch (error) {
        this.logger.error({ component: component.name, err: error }, 'failed to start');
        await this.stop();
        throw error;
      }
    }
  }

  async stop(): Promise<void> {
    const toStop = this.started.reverse();
    this.started = [];
    for (const component of toStop) {
      try {
        await component.stop();
        this.logger.debug({ component: component.name }, 'stopped');
      } catch (error) {
        this.logger.error({ component: component.name, err: error }, 'failed to stop cleanly');
      }
    }
  }
}

/** A component made of two functions, for steps of a composition root that hold no state of their own. */
export function componentOf(name: string, start: () => Promise<void>, stop: () => Promise<void> = async () => {}): Component {
  return { name, start, stop };
}
