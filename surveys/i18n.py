"""The respondent pages' own words in English and Spanish.

Question texts live in the database (text_en / text_es); these are the buttons, headings and
messages around them. Kept as a plain table rather than gettext catalogues so the two languages
can be read side by side and checked by a test, and no compiled .mo files are needed.
"""

from __future__ import annotations

UI: dict[str, dict[str, str]] = {
    "en": {
        "site": "Missouri foster care feedback survey",
        "switch_to": "Español",
        "switch_lang": "es",
        "switch_label": "Ver esta página en español",
        "welcome": "Welcome",
        "who_asks": "Who is asking and why",
        "start": "Start the survey",
        "resume": "Continue where you left off",
        "page_of": "Page {page} of {pages}",
        "next": "Next",
        "back": "Back",
        "save_later": "Save and finish later",
        "saved": "Your answers are saved. Use the same link or code to come back before {date}.",
        "required": "required",
        "optional": "optional",
        "error_summary": "There is a problem",
        "error_intro": "Please check these answers:",
        "err_required": "Please answer this question.",
        "err_choice": "Choose one of the options.",
        "err_number": "Enter a whole or decimal number, for example 3.",
        "err_min": "Enter a number of at least {value}.",
        "err_max": "Enter a number no higher than {value}.",
        "err_too_long": "Please shorten your answer to {value} characters or fewer.",
        "err_contact_how": "Tell us how to reach you, or untick the box.",
        "only_if": "Answer only if you chose “{value}” for “{question}”.",
        "finish_title": "Before you send",
        "finish_text": "You can still go back and change your answers. Once you send them, they cannot be changed.",
        "contact_me": "I would like someone to contact me about my answers.",
        "contact_me_hint": (
            "Only if you tick this box, your name and contact details are shared with the agency's quality "
            "assurance lead, who will contact you. Otherwise your answers stay anonymous."
        ),
        "contact_how": "How and when is it best to reach you? (optional)",
        "submit": "Send my answers",
        "thanks_title": "Thank you",
        "thanks_text": "Your answers have been received. Thank you for helping improve foster care in Missouri.",
        "thanks_follow_up": "Someone from the agency's quality assurance team will contact you.",
        "code_title": "Enter your survey code",
        "code_label": "Survey code",
        "code_hint": "The 8-letter code printed on your invitation, for example ABCD-EFGH.",
        "code_submit": "Open the survey",
        "unknown_title": "We could not find this survey",
        "unknown_text": "The link or code is not valid. Check it and try again, or ask the person who gave it to you.",
        "used_title": "This survey has already been sent",
        "used_text": "Answers for this invitation were already received, so it cannot be used again. Thank you!",
        "expired_title": "This survey is closed",
        "expired_text": "The survey closed on {date}. Thank you for your interest.",
        "not_open_title": "This survey is not open yet",
        "not_open_text": "The survey opens on {date}. Please come back then.",
        "limited_title": "Too many attempts",
        "limited_text": "Too many codes that did not work were tried from this connection. Please wait {minutes} "
        "minutes and try again.",
        "try_code": "Enter a code",
        "question_group": "Questions",
        "select_all": "Choose all that apply.",
        "private": "Your answers are stored apart from your name and reported only in groups of five or more.",
    },
    "es": {
        "site": "Encuesta de opinión sobre el cuidado de crianza en Missouri",
        "switch_to": "English",
        "switch_lang": "en",
        "switch_label": "View this page in English",
        "welcome": "Bienvenido/a",
        "who_asks": "Quién pregunta y por qué",
        "start": "Comenzar la encuesta",
        "resume": "Continuar donde lo dejó",
        "page_of": "Página {page} de {pages}",
        "next": "Siguiente",
        "back": "Atrás",
        "save_later": "Guardar y terminar más tarde",
        "saved": "Sus respuestas están guardadas. Use el mismo enlace o código para volver antes del {date}.",
        "required": "obligatoria",
        "optional": "opcional",
        "error_summary": "Hay un problema",
        "error_intro": "Revise estas respuestas:",
        "err_required": "Por favor, responda esta pregunta.",
        "err_choice": "Elija una de las opciones.",
        "err_number": "Escriba un número entero o decimal, por ejemplo 3.",
        "err_min": "Escriba un número de al menos {value}.",
        "err_max": "Escriba un número no mayor que {value}.",
        "err_too_long": "Acorte su respuesta a {value} caracteres o menos.",
        "err_contact_how": "Díganos cómo comunicarnos con usted, o desmarque la casilla.",
        "only_if": "Responda solo si eligió «{value}» en «{question}».",
        "finish_title": "Antes de enviar",
        "finish_text": "Todavía puede volver y cambiar sus respuestas. Una vez enviadas, no se pueden cambiar.",
        "contact_me": "Me gustaría que alguien se comunique conmigo sobre mis respuestas.",
        "contact_me_hint": (
            "Solo si marca esta casilla, su nombre y sus datos de contacto se comparten con el responsable de "
            "calidad de la agencia, quien se comunicará con usted. De lo contrario, sus respuestas siguen "
            "siendo anónimas."
        ),
        "contact_how": "¿Cómo y cuándo es mejor comunicarse con usted? (opcional)",
        "submit": "Enviar mis respuestas",
        "thanks_title": "Gracias",
        "thanks_text": "Recibimos sus respuestas. Gracias por ayudar a mejorar el cuidado de crianza en Missouri.",
        "thanks_follow_up": "Alguien del equipo de calidad de la agencia se comunicará con usted.",
        "code_title": "Escriba su código de encuesta",
        "code_label": "Código de encuesta",
        "code_hint": "El código de 8 letras impreso en su invitación, por ejemplo ABCD-EFGH.",
        "code_submit": "Abrir la encuesta",
        "unknown_title": "No encontramos esta encuesta",
        "unknown_text": "El enlace o el código no es válido. Revíselo e inténtelo de nuevo, o pregunte a la "
        "persona que se lo dio.",
        "used_title": "Esta encuesta ya fue enviada",
        "used_text": "Ya recibimos las respuestas de esta invitación, así que no se puede usar otra vez. ¡Gracias!",
        "expired_title": "Esta encuesta está cerrada",
        "expired_text": "La encuesta cerró el {date}. Gracias por su interés.",
        "not_open_title": "Esta encuesta todavía no está abierta",
        "not_open_text": "La encuesta abre el {date}. Por favor, vuelva ese día.",
        "limited_title": "Demasiados intentos",
        "limited_text": "Se probaron demasiados códigos que no funcionaron desde esta conexión. Espere {minutes} "
        "minutos e inténtelo de nuevo.",
        "try_code": "Escribir un código",
        "question_group": "Preguntas",
        "select_all": "Elija todas las que correspondan.",
        "private": "Sus respuestas se guardan separadas de su nombre y solo se informan en grupos de cinco o más.",
    },
}


def ui(language: str) -> dict[str, str]:
    return UI["es" if language == "es" else "en"]


def pick_language(value: str | None, default: str = "en") -> str:
    return value if value in UI else default
