import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { v5 as uuidv5 } from 'uuid';
import { WorkspacesService } from '../gateway/workspaces/workspaces.service';
import { ContactsService } from '../notifications/contacts/contacts.service';
import { NotificationsService } from '../notifications/sending/notifications.service';
import { TemplatesService } from '../notifications/templates/templates.service';
import { Clock } from '../platform/clock';
import { StepError } from '../workflows/step-error';
import { ActionContext, WorkflowAction } from '../workflows/workflow-actions';
import { AppointmentsService } from './appointments.service';
import { BookingOffer } from './booking-offer.entity';
import { stepErrorOf } from './calendar-actions';
import { wallClock } from '../platform/zoned-time';

const NAMESPACE = '0b6f1d2e-3c4a-5b6d-8e7f-9a0b1c2d3e4f';
const OFFER_TTL_MS = 24 * 3600_000;
const DEFAULT_SERVICE = 'Atendimento';
const WEEKDAYS_PT = ['dom', 'seg', 'ter', 'qua', 'qui', 'sex', 'sáb'];

export type BookingIntent = 'book' | 'reschedule' | 'choose' | 'confirm' | 'none';

/** What a WhatsApp message asks for, in Brazilian Portuguese (pure: the unit tests read it). */
export function bookingIntentOf(text: string | undefined): {
  intent: BookingIntent;
  service?: string;
  number?: number;
} {
  const t = (text ?? '').trim().toLowerCase();
  if (/^\d{1,2}$/.test(t)) return { intent: 'choose', number: Number(t) };
  if (/\b(re(marcar|agendar)|mudar (o |meu )?hor[aá]rio|outro hor[aá]rio)/.test(t))
    return { intent: 'reschedule' };
  if (/\b(confirmo|confirmado|confirmar|vou sim)\b/.test(t)) return { intent: 'confirm' };
  const book =
    /\b(marcar|agendar|reservar)\b(?:\s+(?:uma|um|minha|meu|o|a)(?=\s))?\s*([\p{L} ]{2,40})?/u.exec(t);
  if (book) {
    const words = (book[2] ?? '')
      .replace(/(?:^|\s)(hor[aá]rio|para|pra|amanh[aã]|hoje|por favor)(?=\s|$).*$/u, '')
      .trim();
    const service = words ? words[0].toUpperCase() + words.slice(1) : undefined;
    return { intent: 'book', service };
  }
  if (/\bhor[aá]rios?\b.*\b(livres?|dispon[ií]ve(l|is))\b/.test(t)) return { intent: 'book' };
  return { intent: 'none' };
}

/**
 * Booking over WhatsApp, as workflow actions the built-in `appointment-booking` strings together:
 * read the message, offer the next free slots (reply buttons on Meta and Twilio, numbered text
 * everywhere), book the one chosen, confirm the next appointment.
 */
@Injectable()
export class AppointmentBooking {
  constructor(
    @InjectRepository(BookingOffer) private readonly offers: Repository<BookingOffer>,
    private readonly appointments: AppointmentsService,
    private readonly contacts: ContactsService,
    private readonly notifications: NotificationsService,
    private readonly templates: TemplatesService,
    private readonly workspaces: WorkspacesService,
    private readonly clock: Clock,
  ) {}

  /** `{text, choiceId}` → `{intent, service, offerId, index, appointmentId}`. */
  @WorkflowAction('calendar.readBookingReply')
  async read(ctx: ActionContext, input: unknown): Promise<unknown> {
    const { text, choiceId } = (input ?? {}) as { text?: unknown; choiceId?: unknown };
    if (!ctx.contactId) return { intent: 'none' };
    const chosen = typeof choiceId === 'string' ? /^slot:([0-9a-f-]{36}):(\d{1,2})$/.exec(choiceId) : null;
    if (chosen) return { intent: 'choose', offerId: chosen[1], index: Number(chosen[2]) };
    const read = bookingIntentOf(typeof text === 'string' ? text : undefined);
    const next = await this.appointments.nextOf(ctx.workspaceId, ctx.contactId);
    switch (read.intent) {
      case 'choose': {
        const offer = await this.openOffer(ctx.workspaceId, ctx.contactId);
        if (!offer || read.number! < 1 || read.number! > offer.slots.length) return { intent: 'none' };
        return { intent: 'choose', offerId: offer.id, index: read.number! - 1 };
      }
      case 'reschedule':
        return next
          ? {
              intent: 'reschedule',
              service: next.service,
              appointmentId: next.id,
              durationMinutes: next.durationMinutes,
            }
          : { intent: 'book', service: DEFAULT_SERVICE };
      case 'confirm':
        return next ? { intent: 'confirm', appointmentId: next.id } : { intent: 'none' };
      case 'book':
        return { intent: 'book', service: read.service ?? DEFAULT_SERVICE };
      default:
        return { intent: 'none' };
    }
  }

  /** `{slots: [{start, end}], service, durationMinutes?, appointmentId?}`: sends the offer. */
  @WorkflowAction('calendar.offerSlots')
  async offer(ctx: ActionContext, input: unknown): Promise<unknown> {
    const { slots, service, durationMinutes, appointmentId } = (input ?? {}) as {
      slots?: Array<{ start: string; end: string }>;
      service?: string;
      durationMinutes?: number;
      appointmentId?: string | null;
    };
    if (!ctx.contactId) throw new StepError('The message reaches no contact');
    if (!Array.isArray(slots)) throw new StepError('input.slots must be the slots of calendar.findSlots');
    const list = slots.slice(0, 3);
    const id = uuidv5(ctx.idempotencyKey, NAMESPACE);
    const now = this.clock.now();
    const profile = await this.workspaces.profileOf(ctx.workspaceId);
    const contact = await this.contacts.find(ctx.workspaceId, ctx.contactId);
    const minutes =
      durationMinutes ??
      (list[0] ? Math.round((Date.parse(list[0].end) - Date.parse(list[0].start)) / 60_000) : 30);
    await this.offers
      .createQueryBuilder()
      .insert()
      .values({
        id,
        workspaceId: ctx.workspaceId,
        contactId: ctx.contactId,
        service: service || DEFAULT_SERVICE,
        durationMinutes: minutes,
        slots: list,
        appointmentId: appointmentId ?? null,
        expiresAt: new Date(now.getTime() + OFFER_TTL_MS),
        usedAt: null,
        createdAt: now,
      })
      .orIgnore()
      .execute();
    const label = (iso: string) => {
      const w = wallClock(new Date(iso), profile.timeZone);
      const day = WEEKDAYS_PT[new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay()];
      const pad = (n: number) => String(n).padStart(2, '0');
      return { day, date: `${pad(w.day)}/${pad(w.month)}`, time: `${pad(w.hour)}:${pad(w.minute)}` };
    };
    const text = list.length
      ? (
          await this.templates.render(
            ctx.workspaceId,
            'appointment-slots',
            'whatsapp',
            {
              name: contact?.name ?? '',
              service: service || DEFAULT_SERVICE,
              businessName: profile.businessName,
              options: list
                .map((s, i) => {
                  const l = label(s.start);
                  return `${i + 1}) ${l.day} ${l.date} às ${l.time}`;
                })
                .join('; '),
            },
            profile.locale,
          )
        ).text
      : `Desculpe, não encontrei horários livres para ${service || DEFAULT_SERVICE} nos próximos dias. Alguém da equipe vai falar com você.`;
    const buttons = list.map((s, i) => {
      const l = label(s.start);
      return {
        id: `slot:${id}:${i}`,
        title: `${l.day[0].toUpperCase()}${l.day.slice(1)} ${l.date} ${l.time}`,
      };
    });
    try {
      const sent = await this.notifications.sendFor(
        ctx.workspaceId,
        {
          to: { contactId: ctx.contactId },
          channels: ['whatsapp'],
          // The text is rendered already (it may carry the contact's name): passed as data, never as Liquid.
          content: { body: '{{ text }}', ...(buttons.length ? { buttons } : {}) },
          data: { text },
        },
        { id: uuidv5(`${ctx.idempotencyKey}/message`, NAMESPACE) },
      );
      return { offerId: id, slots: list, notificationId: sent.id };
    } catch (err) {
      throw stepErrorOf(err);
    }
  }

  /** `{offerId, index}`: books the slot (or moves the appointment the offer was for). */
  @WorkflowAction('calendar.bookOffered')
  async book(ctx: ActionContext, input: unknown): Promise<unknown> {
    const { offerId, index } = (input ?? {}) as { offerId?: string; index?: number };
    const offer = offerId
      ? await this.offers.findOne({ where: { id: offerId, workspaceId: ctx.workspaceId } })
      : null;
    if (!offer || offer.contactId !== ctx.contactId) throw new StepError('No offer of this contact');
    const slot = typeof index === 'number' ? offer.slots[index] : undefined;
    if (!slot) throw new StepError(`The offer has no slot ${String(index)}`);
    const contact = await this.contacts.find(ctx.workspaceId, offer.contactId);
    // A retried step finds the appointment it booked.
    if (offer.usedAt && offer.appointmentId) {
      const done = await this.appointments.get(ctx.workspaceId, offer.appointmentId);
      return { ...done, appointmentId: done.id, name: contact?.name ?? null };
    }
    if (offer.expiresAt < this.clock.now()) throw new StepError('The offer expired');
    try {
      const booked = offer.appointmentId
        ? await this.appointments.reschedule(ctx.workspaceId, offer.appointmentId, { startsAt: slot.start })
        : await this.appointments.create(ctx.workspaceId, {
            contactId: offer.contactId,
            service: offer.service,
            startsAt: slot.start,
            durationMinutes: offer.durationMinutes,
            notes: 'Agendado pelo WhatsApp',
          });
      await this.offers.update({ id: offer.id }, { usedAt: this.clock.now(), appointmentId: booked.id });
      return { ...booked, appointmentId: booked.id, name: contact?.name ?? null };
    } catch (err) {
      throw stepErrorOf(err);
    }
  }

  /** `{appointmentId}`: the reply to a reminder confirms the appointment. */
  @WorkflowAction('calendar.confirmAppointment')
  async confirm(ctx: ActionContext, input: unknown): Promise<unknown> {
    const { appointmentId } = (input ?? {}) as { appointmentId?: string };
    if (!appointmentId) throw new StepError('input.appointmentId is required');
    try {
      const done = await this.appointments.transition(ctx.workspaceId, appointmentId, 'confirm');
      const contact = await this.contacts.find(ctx.workspaceId, done.contactId);
      return { ...done, appointmentId: done.id, name: contact?.name ?? null };
    } catch (err) {
      throw stepErrorOf(err);
    }
  }

  private openOffer(workspaceId: string, contactId: string): Promise<BookingOffer | null> {
    return this.offers
      .createQueryBuilder('o')
      .where('o.workspaceId = :ws AND o.contactId = :c AND o.usedAt IS NULL AND o.expiresAt > :now', {
        ws: workspaceId,
        c: contactId,
        now: this.clock.now(),
      })
      .orderBy('o.createdAt', 'DESC')
      .getOne();
  }
}
