import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { IdPipe } from '../../platform/http/id-param';
import { Idempotent } from '../../platform/http/idempotency/idempotency.interceptor';
import { PageQuery } from '../../platform/http/pagination';
import { Caller, Principal, RequireScope } from '../../platform/http/principal';
import { ApiProblems } from '../../platform/openapi/problem-response';
import { ContactPreferencesService } from './contact-preferences.service';
import { ContactRightsService } from './contact-rights.service';
import {
  ContactExportView,
  ContactPage,
  ContactQuery,
  ContactView,
  UpdateContactDto,
  UpsertContactDto,
} from './contacts.dto';
import { ContactsService } from './contacts.service';
import { ConsentChangePage, PreferencesView, SetPreferencesDto } from './preferences.dto';

@ApiTags('contacts')
@ApiProblems(401, 403, 429, 503)
@Controller('v1/contacts')
export class ContactsController {
  constructor(
    private readonly contacts: ContactsService,
    private readonly preferences: ContactPreferencesService,
    private readonly rights: ContactRightsService,
  ) {}

  @Post()
  @Idempotent()
  @RequireScope('contacts:write')
  @ApiOperation({
    summary:
      'Create or update a contact: matched by externalId, else by phone (E.164, 9th digit added), else created',
    description:
      'Fields given replace the stored ones (null clears), tags are replaced, attributes merged. ' +
      'A phone or externalId that belongs to another contact answers 409 with that contact’s id as `contactId`.',
  })
  @ApiCreatedResponse({ type: ContactView, description: 'A new contact was created' })
  @ApiOkResponse({ type: ContactView, description: 'An existing contact was found and updated' })
  @ApiProblems(400, 409, 415, 422)
  async upsert(
    @Caller() caller: Principal,
    @Body() dto: UpsertContactDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContactView> {
    const { contact, created } = await this.contacts.upsert(caller, dto);
    void reply.status(created ? 201 : 200);
    return contact;
  }

  @Get()
  @RequireScope('contacts:read')
  @ApiOperation({ summary: 'List contacts, newest first; search text and filter by tag' })
  @ApiOkResponse({ type: ContactPage })
  @ApiProblems(400)
  list(@Caller() caller: Principal, @Query() query: ContactQuery): Promise<ContactPage> {
    return this.contacts.list(caller, query);
  }

  @Get(':id')
  @RequireScope('contacts:read')
  @ApiOperation({ summary: 'Get a contact' })
  @ApiOkResponse({ type: ContactView })
  @ApiProblems(404)
  get(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<ContactView> {
    return this.contacts.get(caller, id);
  }

  @Patch(':id')
  @RequireScope('contacts:write')
  @ApiOperation({
    summary:
      'Change a contact: fields given replace (null clears); tags are replaced, attributes merged key by key',
  })
  @ApiOkResponse({ type: ContactView })
  @ApiProblems(400, 404, 409, 415)
  update(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: UpdateContactDto,
  ): Promise<ContactView> {
    return this.contacts.update(caller, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('contacts:write')
  @ApiOperation({
    summary:
      'Erase the contact’s personal data everywhere (LGPD): messages, notifications, events, the contact',
    description:
      'Rows are kept and anonymised so counts stay right; the contact then answers 404. Not reversible.',
  })
  @ApiNoContentResponse({ description: 'Erased' })
  @ApiProblems(404)
  erase(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<void> {
    return this.rights.erase(caller, id);
  }

  @Get(':id/export')
  @RequireScope('contacts:read')
  @ApiOperation({
    summary: 'Everything held about the person (LGPD art. 18), as JSON',
    description:
      '`contact` and `consent`, plus one key per module holding data about the person ' +
      '(conversations, notifications, events, deliveries).',
  })
  @ApiOkResponse({ type: ContactExportView })
  @ApiProblems(404)
  export(@Caller() caller: Principal, @Param('id', IdPipe) id: string): Promise<ContactExportView> {
    return this.rights.export(caller, id);
  }

  @Put(':id/preferences')
  @RequireScope('contacts:write')
  @ApiOperation({
    summary: 'Set consent per channel and category, and quiet hours; each change is logged',
    description:
      'Only the (channel, category) pairs given change; quietHours null removes them, left out keeps them. ' +
      'Answers the stored preferences.',
  })
  @ApiOkResponse({ type: PreferencesView })
  @ApiProblems(400, 404, 415)
  setPreferences(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Body() dto: SetPreferencesDto,
  ): Promise<PreferencesView> {
    return this.preferences.set(caller, id, dto);
  }

  @Get(':id/consent')
  @RequireScope('contacts:read')
  @ApiOperation({
    summary: 'The consent log: every change of preferences, what, when and from where; newest first',
  })
  @ApiOkResponse({ type: ConsentChangePage })
  @ApiProblems(400, 404)
  consent(
    @Caller() caller: Principal,
    @Param('id', IdPipe) id: string,
    @Query() query: PageQuery,
  ): Promise<ConsentChangePage> {
    return this.preferences.list(caller, id, query);
  }
}
