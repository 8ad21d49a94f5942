class GaitInputError(Exception):
    """Input the engine cannot analyse; the message is a one-line reason for a person."""
