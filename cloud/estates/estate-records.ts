import type { ASSET_KINDS } from './estate-schemas.js';

export interface EstateRecord {
  id: string;
  name: string;
}

export interface BuildingRecord {
  estateId: string;
  id: string;
  name: string;
}

export interface UnitRecord {
  estateId: string;
  id: string;
  buildingId: string;
  label: string;
}

export interface AssetRecord {
  estateId: string;
  id: string;
  kind: (typeof ASSET_KINDS)[number];
  name: string;
  buildingId: string | null;
}

export interface GatewayRecord {
  estateId: string;
  id: string;
  name: string;
}

export interface DeviceRecord {
  estateId: string;
  id: string;
  gatewayId: string;
  profile: string;
  unitId: string | null;
  assetId: string | null;
}
