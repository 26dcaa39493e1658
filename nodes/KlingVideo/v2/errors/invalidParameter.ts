/** A parameter value that cannot be sent; the node turns it into a NodeOperationError for its item. */
export class InvalidParameterError extends Error {
	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
		this.name = 'InvalidParameterError';
	}
}
