/**
 * Tells, from the cloud's presence messages (shared/contract/cloud-presence.ts), when the messages
 * awaiting a receipt must be sent again at once: when the cloud has subscribed anew since they were
 * sent, which may have been into a broker that had nobody to give them to.
 *
 * A presence delivered as retained [MQTT-3.3.1-8] was on the broker before this connection
 * subscribed, so before anything was sent on it: the first one a gateway sees after it starts says
 * nothing was missed. Every other new session id does: one published live while this gateway was
 * connected [MQTT-3.3.1-9] (the cloud subscribed after some of what is awaited went out), or one
 * that replaced the session this gateway knew while it was away.
 */
export class CloudPresenceWatch {
  private lastSessionId: string | null = null;

  /** Records a presence; true when what awaits a receipt must be sent again now. */
  seen(sessionId: string, retained: boolean): boolean {
    const previous = this.lastSessionId;
    this.lastSessionId = sessionId;
    if (sessionId === previous) return false;
    return previous !== null || !retained;
  }
}
