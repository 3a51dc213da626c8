import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EventsModule } from '../events/events.module';
import { GatewayModule } from '../gateway/gateway.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { Appointment } from './appointment.entity';
import { AppointmentBooking } from './appointment-booking';
import { BookingOffer } from './booking-offer.entity';
import { AppointmentsController } from './appointments.controller';
import { AppointmentsService } from './appointments.service';
import { AvailabilityService } from './availability.service';
import { CalendarActions } from './calendar-actions';
import './calendar.jobs';
import { CalendarConnection } from './calendar-connection.entity';
import { CalendarConnections } from './calendar-connections.service';
import { CalendarEvent } from './calendar-event.entity';
import { CalendarEvents } from './calendar-events.service';
import { CalendarPersonalData } from './calendar-personal-data';
import { CalendarPush } from './calendar-push';
import { CalendarSync } from './calendar-sync';
import { calendarConfig } from './calendar.config';
import { CalendarController } from './calendar.controller';
import { CalendarProcessor } from './calendar.processor';
import { GoogleCalendarClients } from './google-calendar.client';

/**
 * Google Calendar and appointments: connections (OAuth or service account), the local mirror of
 * events with conflict detection, availability, incremental sync, appointments that emit
 * `appointment.*` (the reminders workflow consumes them) and the `calendar.*` workflow actions.
 */
@Module({
  imports: [
    EventsModule,
    GatewayModule,
    NotificationsModule,
    TypeOrmModule.forFeature([CalendarConnection, CalendarEvent, Appointment, BookingOffer]),
  ],
  controllers: [CalendarController, AppointmentsController],
  providers: [
    calendarConfig.provider,
    GoogleCalendarClients,
    CalendarConnections,
    CalendarEvents,
    CalendarPush,
    CalendarSync,
    AppointmentsService,
    AvailabilityService,
    CalendarActions,
    AppointmentBooking,
    CalendarPersonalData,
    CalendarProcessor,
  ],
  exports: [AppointmentsService],
})
export class CalendarModule {}
