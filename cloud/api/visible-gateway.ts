import { demand } from '../access/access-scope.js';
import { estatesOf, type Caller } from '../access/caller.js';
import type { Permission } from '../access/permissions.js';
import { notFound } from '../platform/app-error.js';
import type { GatewayStatusRecord } from '../registry/registry-repository.js';

export interface GatewayDirectoryView {
  listGatewayStatus(filter: { estateIds?: readonly string[]; estateId?: string | undefined; gatewayId?: string | undefined }): Promise<GatewayStatusRecord[]>;
}

/**
 * One gateway as the caller may reach it: not found when it does not exist or its estate is one
 * where the caller holds no role (the two read alike); forbidden when they hold roles there but
 * none that grants the permission.
 */
export async function visibleGateway(directory: GatewayDirectoryView, caller: Caller, gatewayId: string, permission: Permission): Promise<GatewayStatusRecord> {
  const [record] = await directory.listGatewayStatus({ gatewayId });
  if (!record || !estatesOf(caller).includes(record.estateId)) throw notFound('gateway', gatewayId);
  demand(caller, permission, { estateId: record.estateId });
  return record;
}
