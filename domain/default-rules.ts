import type { Rule } from './rule';

/** The starter profile a new account gets: the interactions the seeds name, with common weights. */
export const DEFAULT_RULES: Rule[] = [
  {
    id: 'email-opened',
    description: 'Email opened',
    interactionType: 'email_opened',
    criteria: [],
    points: 1,
  },
  {
    id: 'email-clicked',
    description: 'Link clicked',
    interactionType: 'email_clicked',
    criteria: [],
    points: 3,
  },
  {
    id: 'appointment-booked',
    description: 'Appointment booked',
    interactionType: 'appointment_booked',
    criteria: [],
    points: 10,
  },
  {
    id: 'form-submitted',
    description: 'Form submitted',
    interactionType: 'form_submitted',
    criteria: [],
    points: 5,
  },
  {
    id: 'vip-tag',
    description: 'Tag "vip" added',
    interactionType: 'tag_added',
    criteria: [{ attribute: 'tag', op: 'equals', value: 'vip' }],
    points: 15,
  },
  {
    id: 'payment-succeeded',
    description: 'Successful payment',
    interactionType: 'payment_succeeded',
    criteria: [],
    points: 20,
  },
  {
    id: 'pricing-reply',
    description: 'Reply mentions pricing',
    interactionType: 'reply_received',
    criteria: [{ attribute: 'text', op: 'contains_word', value: 'pricing' }],
    points: 8,
  },
  {
    id: 'dnd-all',
    description: 'All do-not-disturb channels enabled',
    interactionType: 'dnd_all_enabled',
    criteria: [],
    points: -25,
  },
];
