/** What CPU cycles are spent on. Every cycle the model charges goes to one core and one cause. */
export const CAUSES = ['guest', 'driver', 'exits', 'emulation', 'switch', 'copy', 'interrupts', 'app'] as const;
export type Cause = (typeof CAUSES)[number];
export const CAUSE_COUNT = CAUSES.length;

export const CAUSE_HELP: Record<Cause, string> = {
  guest: 'guest (or native) TCP/IP stack, ACK handling and the socket copy to or from the application',
  driver: 'NIC drivers: guest or native driver, and the hypervisor side physical driver and backend',
  exits: 'VM exits: world switches for register accesses, kicks, interrupt delivery and EOI',
  emulation: 'device-model work emulating NIC registers and descriptors',
  switch: 'software switch sorting packets to VMs',
  copy: 'hypervisor copies between its buffers and guest memory',
  interrupts: 'interrupt handlers and ring notifications',
  app: "the application's own work on a request (request/response traffic)",
};

export const causeIndex = (c: Cause): number => CAUSES.indexOf(c);
