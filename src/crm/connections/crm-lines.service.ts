import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { InjectConfig, type ConfigOf } from '../../config/area-config';
import { SourcesService } from '../../events/sources/sources.service';
import { ProvidersService } from '../../notifications/providers/providers.service';
import { Clock } from '../../platform/clock';
import { Principal } from '../../platform/http/principal';
import { businessNumberOfAccount } from '../../whatsapp/conversations/business-number';
import { Bitrix24Rest } from '../bitrix24/bitrix24-rest';
import { crmConfig } from '../crm.config';
import { CrmProblem } from '../crm.problems';
import type { AddLineDto, CrmLineView } from './crm-connections.dto';
import { toLineView, CrmConnections } from './crm-connections.service';
import { CrmLine } from './crm-line.entity';

/** The events of an Open Channel connector Ponte listens to (providers.md §5.4, business-br §10.5). */
export const CONNECTOR_EVENTS = [
  'OnImConnectorMessageAdd',
  'OnImConnectorLineDelete',
  'OnImConnectorStatusDelete',
];

const ICON =
  'data:image/svg+xml;charset=US-ASCII,%3Csvg%20xmlns%3D%22http%3A//www.w3.org/2000/svg%22%20viewBox%3D%220%200%2070%2071%22%3E%3Ccircle%20cx%3D%2235%22%20cy%3D%2235%22%20r%3D%2230%22%20fill%3D%22%23fff%22/%3E%3C/svg%3E';

/**
 * `POST /crm/connections/:id/lines`: our connector registered, activated and described on an Open
 * Channel line, and Bitrix24's connector events bound to the workspace's bitrix24 source — six
 * calls in one `batch` (one request of the portal's 2/s instead of six).
 */
@Injectable()
export class CrmLines {
  constructor(
    @InjectRepository(CrmLine) private readonly lines: Repository<CrmLine>,
    private readonly connections: CrmConnections,
    private readonly providers: ProvidersService,
    private readonly sources: SourcesService,
    private readonly rest: Bitrix24Rest,
    private readonly clock: Clock,
    @InjectConfig(crmConfig) private readonly config: ConfigOf<typeof crmConfig>,
  ) {}

  async add(caller: Principal, connectionId: string, dto: AddLineDto): Promise<CrmLineView> {
    const connection = await this.connections.find(caller.workspaceId, connectionId);
    const account = (await this.providers.routes(caller.workspaceId, 'whatsapp')).find(
      (a) => a.id === dto.providerId,
    );
    const businessNumber = account && businessNumberOfAccount(account);
    if (!account || !businessNumber) throw new CrmProblem('CRM_PROVIDER_INVALID');
    if (connection.status !== 'active') throw new CrmProblem('CRM_CONNECTION_INACTIVE');
    const handler = await this.sources.callbackUrl(caller.workspaceId, 'bitrix24');
    if (!handler) throw new CrmProblem('CRM_SOURCE_MISSING');

    const connector = this.config.connectorId;
    const line = dto.lineId;
    const cmd: Record<string, [string, Record<string, unknown>]> = {
      register: [
        'imconnector.register',
        {
          ID: connector,
          NAME: 'Ponte WhatsApp',
          ICON: { DATA_IMAGE: ICON, COLOR: '#25D366', SIZE: '100%', POSITION: 'center' },
          PLACEMENT_HANDLER: handler,
        },
      ],
      activate: ['imconnector.activate', { CONNECTOR: connector, LINE: line, ACTIVE: 1 }],
      data: [
        'imconnector.connector.data.set',
        {
          CONNECTOR: connector,
          LINE: line,
          DATA: { ID: businessNumber, URL_IM: this.config.publicUrl, NAME: `WhatsApp ${businessNumber}` },
        },
      ],
    };
    CONNECTOR_EVENTS.forEach((event, i) => (cmd[`bind${i}`] = ['event.bind', { event, handler }]));
    let answer;
    try {
      answer = await this.rest.batch(connection, cmd);
    } catch (err) {
      throw new CrmProblem('CRM_PROVIDER_ERROR', (err as Error).message);
    }
    // A handler bound before (the line added again, or a second line) is not a failure.
    const failed = Object.entries(answer.errors).filter(
      ([key, e]) => !(key.startsWith('bind') && /already/i.test(`${e.error} ${e.error_description ?? ''}`)),
    );
    if (failed.length)
      throw new CrmProblem(
        'CRM_PROVIDER_ERROR',
        failed.map(([key, e]) => `${cmd[key][0]}: ${e.error} ${e.error_description ?? ''}`.trim()).join('; '),
      );

    const existing = await this.lines.findOneBy({ connectionId, lineId: line });
    if (existing) {
      await this.lines.update({ id: existing.id }, { providerId: account.id!, businessNumber, connector });
    } else {
      await this.lines
        .createQueryBuilder()
        .insert()
        .values({
          id: uuidv7(),
          workspaceId: caller.workspaceId,
          connectionId,
          lineId: line,
          connector,
          providerId: account.id!,
          businessNumber,
          createdAt: this.clock.now(),
        })
        .orIgnore()
        .execute();
    }
    return toLineView(await this.lines.findOneByOrFail({ connectionId, lineId: line }));
  }

  /** The lines a WhatsApp business number answers (`meta:<phone_number_id>`...). */
  forNumber(workspaceId: string, businessNumber: string): Promise<CrmLine[]> {
    return this.lines.find({ where: { workspaceId, businessNumber } });
  }

  byId(id: string): Promise<CrmLine | null> {
    return this.lines.findOneBy({ id });
  }

  find(connectionId: string, lineId: string): Promise<CrmLine | null> {
    return this.lines.findOne({ where: { connectionId, lineId } });
  }
}
