/**
 * The seed's four schedules (Carinho Integrações): what a job made from a template starts with.
 * The caller gives the source and target (their URLs or connections); anything else may be
 * overridden.
 */
export interface SyncJobTemplate {
  key: string;
  name: string;
  description: string;
  schedule: { cron: string; timezone: string };
  mapping: string;
  keyExpression: string;
}

const TZ = 'America/Sao_Paulo';

export const SYNC_JOB_TEMPLATES: SyncJobTemplate[] = [
  {
    key: 'crm-to-operations',
    name: 'CRM → operations, hourly',
    description: 'Clients changed in the CRM reach the operations system every hour.',
    schedule: { cron: '0 * * * *', timezone: TZ },
    mapping: '{"id": id, "name": name, "phone": phone, "email": email, "address": address}',
    keyExpression: 'id',
  },
  {
    key: 'operations-to-finance',
    name: 'Operations → finance, daily',
    description: 'Services done in operations reach finance once a day, at 02:00.',
    schedule: { cron: '0 2 * * *', timezone: TZ },
    mapping:
      '{"id": id, "customerId": clientId, "amount": amount, "dueDate": dueDate, "description": description}',
    keyExpression: 'id',
  },
  {
    key: 'crm-to-finance',
    name: 'CRM → finance, twice a day',
    description: 'Clients in the CRM set up (and kept up to date) in finance at 08:00 and 20:00.',
    schedule: { cron: '0 8,20 * * *', timezone: TZ },
    mapping: '{"id": id, "name": name, "document": document, "email": email, "phone": phone}',
    keyExpression: 'id',
  },
  {
    key: 'caregivers-to-crm',
    name: 'Caregivers → CRM, every 4 hours',
    description: 'Caregivers registered in operations reach the CRM every four hours.',
    schedule: { cron: '0 */4 * * *', timezone: TZ },
    mapping:
      '{"externalId": "caregiver:" & id, "name": name, "phone": phone, "email": email, "tags": ["caregiver"]}',
    keyExpression: 'id',
  },
];
