import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const CRM_CONNECTION_STATUSES = ['pending', 'active', 'needs_reauth', 'uninstalled'] as const;
export type CrmConnectionStatus = (typeof CRM_CONNECTION_STATUSES)[number];

/** The OAuth grant of one Bitrix24 portal, sealed (`configSealed`, SealedConfig). */
export interface PortalTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token stops working. */
  expiresAt: number;
  /** `auth[application_token]` of ONAPPINSTALL: later events of the install must carry it. */
  applicationToken?: string;
}

/**
 * A workspace's Bitrix24 portal, installed as an application. The portal is known by its
 * `member_id` once the OAuth code flow completes; calls go to its `client_endpoint`.
 */
@Entity('crm_connections')
@Index(['workspaceId', 'id'])
@Index(['workspaceId', 'memberId'], { unique: true, where: 'member_id IS NOT NULL' })
@Index(['oauthState'], { unique: true, where: 'oauth_state IS NOT NULL' })
@Index(['installToken'], { unique: true, where: 'install_token IS NOT NULL' })
export class CrmConnection {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') workspaceId: string;
  @Column('text') name: string;
  @Column('text') status: CrmConnectionStatus;
  /** The portal's address as given (`https://acme.bitrix24.com.br`). */
  @Column('text') portalUrl: string;
  @Column('text', { nullable: true }) memberId: string | null;
  /** `https://<portal>/rest/`, from Bitrix24's token answer. */
  @Column('text', { nullable: true }) clientEndpoint: string | null;
  /** PortalTokens as sealed JSON; '' while the consent is pending. */
  @Column('text', { default: '' }) configSealed: string;
  /** SHA-256 of the OAuth `state` while consent is pending. */
  @Column('text', { nullable: true }) oauthState: string | null;
  /** SHA-256 of the token in the install handler URL (`mode: install`); kept for ONAPPUNINSTALL. */
  @Column('text', { nullable: true }) installToken: string | null;
  @Column('text', { nullable: true }) lastError: string | null;
  @Column('timestamptz', { nullable: true }) refreshedAt: Date | null;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}
