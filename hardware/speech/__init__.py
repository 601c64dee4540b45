"""Offline Mandarin speech (pyttsx3 + espeak-ng): one queued service for the display and the kiosk."""
from hardware.speech.letters import LETTER_READINGS, check_reading, letter_text, spoken_ticket, ticket_texts
from hardware.speech.numerals import chinese_number, spell_digits, spell_ticket
from hardware.speech.output import AudioOutput, NullOutput, PipeOutput, WavFileOutput, pick_output
from hardware.speech.render import DEFAULT_VOICE, PhraseCache, Pyttsx3Renderer, SpeechUnavailable
from hardware.speech.service import CHIME, Pause, SpeechConfig, SpeechService, Utterance

__all__ = [
    "CHIME",
    "DEFAULT_VOICE",
    "LETTER_READINGS",
    "AudioOutput",
    "NullOutput",
    "Pause",
    "PhraseCache",
    "PipeOutput",
    "Pyttsx3Renderer",
    "SpeechConfig",
    "SpeechService",
    "SpeechUnavailable",
    "Utterance",
    "WavFileOutput",
    "check_reading",
    "chinese_number",
    "letter_text",
    "pick_output",
    "spell_digits",
    "spell_ticket",
    "spoken_ticket",
    "ticket_texts",
]
