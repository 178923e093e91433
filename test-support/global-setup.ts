// Placeholder: replaced by the services check once `vpa services` exists.
export default function setup(): void {}
