// Name and place tables. Lists are ordered roughly most common first; the
// frequency skew comes from zipf_weights(). The lists were written for this
// generator from general knowledge of names common in West Yorkshire's
// communities; they are not copied from any published list.
#include "tables.hpp"

#include <algorithm>

namespace gen {

namespace {

NameList make_list(std::string_view csv, unsigned offset) {
  NameList l;
  l.names = split_list(csv);
  l.dist = Weighted(zipf_weights(l.names.size(), offset));
  return l;
}

// ---------------------------------------------------------------- English
constexpr std::string_view kEnglishMaleOld =
    "David, Paul, Mark, John, Andrew, Michael, Stephen, Richard, Peter, Robert, Christopher, "
    "Ian, Gary, Darren, James, Steven, Simon, Anthony, Lee, Neil, Kevin, Martin, Jason, Craig, "
    "Wayne, Dean, Shaun, Carl, Matthew, Daniel, Thomas, William, Jonathan, Philip, Graham, "
    "Stuart, Colin, Brian, Keith, Alan, Adrian, Nigel, Kenneth, Trevor, Barry, Gavin, Scott, "
    "Glen, Russell, Nicholas, Timothy, Edward, Benjamin, Adam, Ryan, Liam, Jamie, Ricky, Terry, "
    "Dale, Leon, Ashley, Karl, Clive, Derek, Raymond, Malcolm, Roy, Gordon, Dennis, Jeffrey, "
    "Geoffrey, Frank, Harry, Joseph, Samuel, Luke, Alexander, Nathan, Marcus, Mitchell, Kieran, "
    "Jon, Jack, Danny, Tony, Mick, Stewart, Phillip, Gareth, Damian, Warren, Duncan, Glenn, "
    "Jeremy, Julian, Vincent, Rodney, Roger, Howard, Leslie, Norman, Ronald, Bernard, Stanley, "
    "Ernest, Gerald, Francis, Lawrence, Douglas, Ralph, Cyril, Wilfred, Herbert, Horace";
constexpr std::string_view kEnglishFemaleOld =
    "Sarah, Claire, Emma, Nicola, Lisa, Michelle, Joanne, Rachel, Helen, Louise, Kelly, Amanda, "
    "Julie, Karen, Samantha, Deborah, Tracey, Donna, Victoria, Laura, Gemma, Stacey, Jennifer, "
    "Elizabeth, Catherine, Katherine, Jane, Susan, Alison, Angela, Kirsty, Natalie, Rebecca, Zoe, "
    "Hayley, Danielle, Leanne, Charlotte, Amy, Jessica, Lindsey, Kerry, Sharon, Dawn, Carol, "
    "Jacqueline, Wendy, Joanna, Kathryn, Christine, Margaret, Patricia, Linda, Caroline, Melanie, "
    "Toni, Jodie, Carly, Chantelle, Jade, Sophie, Lauren, Hannah, Stephanie, Kimberley, Anne, "
    "Ann, Marie, Kate, Lucy, Abigail, Tracy, Stacy, Lindsay, Hayley, Ashleigh, Kerrie, Nichola, "
    "Rachael, Clare, Debra, Paula, Sally, Tina, Beverley, Lorraine, Janet, Pauline, Diane, "
    "Valerie, Gillian, Sandra, Maureen, Brenda, Shirley, Joyce, Doreen, Barbara, Eileen, Irene, "
    "Sheila, Jean, Dorothy, Kathleen, Mandy, Vicky, Becky, Jo, Lynsey, Leigh, Charlene, Vanessa";
constexpr std::string_view kEnglishMaleYoung =
    "Oliver, Jack, Harry, George, Charlie, Jacob, Thomas, Alfie, Noah, Oscar, James, William, "
    "Joshua, Leo, Freddie, Archie, Henry, Ethan, Logan, Riley, Mason, Lucas, Max, Isaac, Dylan, "
    "Tyler, Jayden, Kai, Callum, Connor, Bradley, Lewis, Liam, Ryan, Daniel, Samuel, Joseph, "
    "Harvey, Jake, Luke, Matthew, Benjamin, Alexander, Theo, Teddy, Arthur, Reuben, Toby, Finley, "
    "Louie, Frankie, Tommy, Rhys, Kayden, Brandon, Kyle, Declan, Jenson, Elliot, Aiden, Owen, "
    "Jamie, Ellis, Jaxon, Harley, Kian, Ronnie, Albie, Stanley, Alfred, Edward, Sonny, Rory, "
    "Zachary, Nathan, Cameron, Adam, Ashton, Bailey, Corey, Jordan, Reece, Morgan, Charlie-Ray, "
    "Billy, Bobby, Joey, Hugo, Sebastian, Ezra, Felix, Jude, Louis, Blake, Myles, Elliott, "
    "Travis, Brody, Lennon, Carter, Hunter, Jackson, Tristan, Rocco, Alfie-Lee, Braxton";
constexpr std::string_view kEnglishFemaleYoung =
    "Olivia, Amelia, Isla, Ava, Emily, Sophia, Grace, Mia, Poppy, Ella, Lily, Evie, Isabella, "
    "Jessica, Sophie, Chloe, Ruby, Millie, Freya, Daisy, Phoebe, Holly, Megan, Lauren, Ellie, "
    "Charlotte, Hannah, Amy, Bethany, Courtney, Paige, Leah, Jasmine, Eva, Scarlett, Layla, "
    "Willow, Harper, Evelyn, Matilda, Rosie, Erin, Abigail, Niamh, Katie, Caitlin, Summer, Lexi, "
    "Maisie, Darcy, Imogen, Lacey, Tia, Kayla, Laura, Lucy, Molly, Ellie-Mae, Lilly-Mai, "
    "Tia-Rose, Isabelle, Elsie, Florence, Alice, Violet, Ivy, Esme, Bella, Sienna, Aria, Lola, "
    "Mollie, Libby, Lillie, Brooke, Demi, Kacey, Keira, Macy, Nevaeh, Amber, Jodie, Shannon, "
    "Georgia, Abbie, Elise, Eleanor, Heidi, Harriet, Francesca, Gracie, Lottie, Mya, Darcey, "
    "Hollie, Kelsey, Taylor, Alisha, Casey-Leigh, Destiny, Lacey-Mae, Skye, Tilly";
constexpr std::string_view kEnglishSurnames =
    "Smith, Taylor, Walker, Brown, Wilson, Wood, Jones, Johnson, Robinson, Wright, Thompson, "
    "White, Hall, Green, Clarke, Jackson, Roberts, Harrison, Lee, Turner, Shaw, Hirst, Haigh, "
    "Sykes, Armitage, Bailey, Hudson, Marsden, Kaye, Brook, Lockwood, Moorhouse, Beaumont, Dyson, "
    "Ackroyd, Holroyd, Mellor, Senior, Crowther, Firth, Hinchliffe, Schofield, Sutcliffe, "
    "Greenwood, Ramsden, Littlewood, Barraclough, Booth, Whiteley, Stead, Hepworth, Exley, "
    "Wilkinson, Atkinson, Mitchell, Holmes, Lodge, Bamforth, Oldroyd, Heaton, Jessop, Priestley, "
    "Broadbent, Hoyle, Kilner, Hartley, Hemingway, Fearnley, Fletcher, Cooper, Parkin, Ward, "
    "Watson, Hill, Moore, Allen, Martin, Thomas, Evans, Williams, Davies, Edwards, Lewis, King, "
    "Baker, Harris, Cook, Morris, Carter, Phillips, Parker, Richardson, Bell, Cox, Marshall, "
    "Dixon, Ellis, Mason, Chapman, Webb, Young, Rogers, Hughes, Bennett, Barker, Ashworth, Jagger, "
    "Pearson, Stephenson, Kershaw, Horsfall, Oates, Wainwright, Butterworth, Holdsworth, "
    "Womersley, Whitworth, Ainley, Bottomley, Bradley, Illingworth, Lumb, Netherwood, Quarmby, "
    "Rhodes, Rushworth, Scholes, Tolson, Uttley, Varley, Wadsworth, Townend, Gledhill, Kenworthy, "
    "Lister, Buckley, Fielding, Pogson, Walshaw, Thewlis, Jackson, Hurst, Sugden, Hey, Haley, "
    "Ibbotson, Jowett, Kitson, Longbottom, Mallinson, Nettleton, Pickles, Rawnsley, Shackleton, "
    "Swallow, Tattersall, Waddington, Wormald, Addy, Blackburn, Calvert, Dawson, Eastwood, "
    "Gaunt, Hanson, Horner, Lund, Metcalfe, Naylor, Peel, Redfearn, Sowden, Thackray, Walsh, "
    "Gray, Grey, Reed, Read, Clark, Matthews, Stevenson, Phillipson, Holt, Cartwright, Oldfield, "
    "Bray, Coates, Darby, Earnshaw, Farrar, Garside, Goodall, Hague, Hobson, Jennings, Kirk, "
    "Lawton, Morton, North, Ogden, Pollard, Radcliffe, Rowley, Slater, Stocks, Tinker, Wade";

// ---------------------------------------------------------------- Irish
constexpr std::string_view kIrishMale =
    "Sean, Patrick, Michael, John, Liam, Conor, Ciaran, Declan, Kieran, Padraig, Eoin, Niall, "
    "Cian, Darragh, Aidan, Ronan, Colm, Brendan, Dermot, Fergal, Cathal, Seamus, Donal, Oisin, "
    "Kevin, Martin, Gerard, Francis, Eamon, Fionn, Tadhg, Ruairi, Cormac, Shane";
constexpr std::string_view kIrishFemale =
    "Siobhan, Niamh, Aoife, Ciara, Mary, Bridget, Roisin, Sinead, Orla, Grainne, Aisling, "
    "Caoimhe, Saoirse, Maeve, Eimear, Clodagh, Fiona, Deirdre, Kathleen, Maureen, Sheila, "
    "Nuala, Catriona, Sorcha, Aine, Eileen, Mairead, Bernadette, Teresa, Shauna";
constexpr std::string_view kIrishSurnames =
    "Murphy, Kelly, O'Brien, Ryan, O'Sullivan, Walsh, O'Connor, McCarthy, Byrne, O'Neill, Doyle, "
    "Gallagher, Quinn, Lynch, Flynn, Brennan, Kennedy, Fitzgerald, McLaughlin, Doherty, O'Reilly, "
    "Reilly, Dunne, Nolan, Boyle, Hughes, Moran, Daly, Keane, Brady, McGuinness, O'Donnell, "
    "Mulligan, Callaghan, O'Hara, Feeney, Devlin, McGrath, Hennessy, Casey, Duffy, Sheridan, "
    "Molloy, O'Leary, Kavanagh, O'Shea, McNamara, Gilmartin, Coughlan, O'Rourke, Donnelly";

// ---------------------------------------------------------------- Scottish
constexpr std::string_view kScottishMale =
    "Callum, Andrew, James, John, David, Iain, Alistair, Hamish, Angus, Fraser, Euan, Ross, "
    "Craig, Duncan, Gordon, Stuart, Calum, Lachlan, Finlay, Ruaridh, Murray, Graeme, Alasdair, "
    "Kenneth, Malcolm, Robert, Struan, Neil";
constexpr std::string_view kScottishFemale =
    "Kirsty, Fiona, Isla, Eilidh, Catriona, Morag, Shona, Ailsa, Iona, Mhairi, Rhona, Lorna, "
    "Isobel, Elspeth, Heather, Morven, Kirsteen, Jennifer, Margaret, Susan";
constexpr std::string_view kScottishSurnames =
    "Campbell, Stewart, MacDonald, McDonald, Robertson, Thomson, Anderson, Scott, Murray, "
    "MacLeod, McLeod, Reid, Fraser, Ross, Henderson, Mackenzie, McKenzie, Paterson, Grant, "
    "Cameron, Sutherland, Munro, Ferguson, Hamilton, Mackay, McIntyre, MacGregor, Buchanan, "
    "Crawford, Drummond, Kerr, McKay, Gillespie, Baird, Milne, McAllister, Rennie, Urquhart";

// ---------------------------------------------------------------- Welsh
constexpr std::string_view kWelshMale =
    "Rhys, Gareth, Dafydd, Dylan, Owain, Gethin, Huw, Ieuan, Iwan, Llewellyn, Aled, Emyr, Gwyn, "
    "Rhodri, Geraint, Carwyn, Idris, Bryn, Cai, Osian, Tomos, Steffan";
constexpr std::string_view kWelshFemale =
    "Cerys, Bethan, Sian, Rhiannon, Catrin, Ffion, Megan, Nia, Eleri, Gwen, Angharad, Seren, "
    "Carys, Lowri, Mali, Eirlys, Alys, Manon, Elin, Nerys";
constexpr std::string_view kWelshSurnames =
    "Jones, Williams, Davies, Evans, Thomas, Roberts, Lewis, Hughes, Morgan, Griffiths, Owen, "
    "Price, Lloyd, Powell, Pritchard, Rees, Jenkins, Bowen, Parry, Vaughan, Prosser, Pugh, "
    "Howells, Llewellyn, Meredith, Gwynne, Rowlands, Probert, Bevan, ap Rhys";

// ---------------------------------------------------------------- Pakistani / Kashmiri
constexpr std::string_view kPakMale =
    "Mohammed, Muhammad, Ali, Ahmed, Hassan, Hussain, Bilal, Imran, Usman, Umar, Omar, Adam, "
    "Ibrahim, Yusuf, Zain, Hamza, Ayaan, Rayyan, Abdullah, Zakariya, Ismail, Tariq, Asif, "
    "Khalid, Nadeem, Shahid, Zubair, Faisal, Kamran, Irfan, Waqas, Adnan, Amir, Aamir, Rashid, "
    "Javed, Zahid, Sajid, Majid, Naveed, Shakeel, Arshad, Ilyas, Idris, Yaseen, Haroon, Junaid, "
    "Saqib, Abdul, Ashfaq, Mahmood, Musa, Isa, Sulaiman, Zayan, Mohammad, Muhammed, Hasan, "
    "Mustafa, Ayub, Raheel, Shoaib, Talha, Arham, Aryan, Haider, Azaan, Ehsan";
constexpr std::string_view kPakFemale =
    "Ayesha, Aisha, Fatima, Maryam, Zainab, Khadija, Amina, Sana, Hira, Iqra, Samina, Nadia, "
    "Shabana, Nasreen, Rubina, Saima, Asma, Mehreen, Farzana, Parveen, Shazia, Rukhsana, Noor, "
    "Hafsa, Safiya, Inaya, Zara, Anaya, Aleena, Eman, Hania, Laiba, Mahnoor, Aliza, Alisha, "
    "Haleema, Sumaira, Bushra, Tahira, Kausar, Nazia, Samira, Amna, Rabia, Sidra, Ruqayyah, "
    "Humaira, Yasmin, Jannat, Zoya, Fatimah, Mariam, Aminah, Sadia, Shaista, Uzma, Ambreen";
constexpr std::string_view kPakSurnames =
    "Hussain, Khan, Ahmed, Ali, Mahmood, Akhtar, Iqbal, Rashid, Shah, Butt, Mirza, Malik, "
    "Aslam, Riaz, Sadiq, Rehman, Rahman, Javed, Anwar, Arshad, Bashir, Yousaf, Younis, Nawaz, "
    "Qureshi, Sharif, Hanif, Latif, Saleem, Kabir, Raja, Chaudhry, Chaudhary, Dar, Mir, Zaman, "
    "Siddique, Shafiq, Majid, Ashraf, Ilyas, Hameed, Haq, Kayani, Mughal, Abbasi, Hussein, "
    "Mehmood, Aziz, Karim, Bhatti, Sheikh, Tariq, Rafiq, Azam, Yaqoob, Sabir, Zafar";
constexpr std::string_view kPakFemaleSurnames = "Begum, Bibi, Akhtar, Kauser, Parveen, Bi, Noreen";

// ---------------------------------------------------------------- Indian Muslim (Gujarati)
constexpr std::string_view kGujMuslimMale =
    "Yusuf, Ismail, Ebrahim, Mohammed, Abdullah, Zakariya, Yaqub, Ayub, Idris, Usama, Bilal, "
    "Suhail, Muhammad, Ahmed, Yunus, Hamza, Ibrahim, Musa, Haroon, Luqman, Saeed, Mohamed, "
    "Abdul, Irfan, Imran, Faisal, Adam, Zubair";
constexpr std::string_view kGujMuslimFemale =
    "Khadijah, Hafsa, Aaishah, Maryam, Sumayyah, Zainab, Safiyyah, Ruqayyah, Fatimah, Amina, "
    "Halima, Nafisa, Zubeda, Rashida, Sakina, Aisha, Hajra, Asiya, Zahra, Mariyah, Hawa, "
    "Yasmin, Salma, Shenaz, Rukhsana";
constexpr std::string_view kGujMuslimSurnames =
    "Patel, Mayet, Mulla, Lorgat, Bhayat, Desai, Vali, Valli, Ismail, Adam, Dadabhai, Moosa, "
    "Hafejee, Motala, Bhamji, Kara, Kazi, Sidat, Munshi, Variava, Pandor, Tayub, Seedat, Hassam, "
    "Vania, Bulbulia, Chothia, Esat, Ghodiwala, Jeewa, Kathrada, Laher, Mohmed, Osman, Randeree";

// ---------------------------------------------------------------- Sikh (Punjabi)
constexpr std::string_view kSikhMale =
    "Harpreet, Gurpreet, Manjit, Jaswinder, Kulwinder, Sukhwinder, Rajinder, Amarjit, "
    "Balwinder, Gurdeep, Jaspal, Harjit, Hardeep, Mandeep, Jasbir, Kuldip, Paramjit, Ravinder, "
    "Sandeep, Gurjeet, Arjan, Harjot, Jaskaran, Ekam, Sehaj, Jasraj, Gurveer, Harveer, Navjot, "
    "Amrit, Satnam, Tejinder, Bhupinder, Ranjit, Dilpreet, Karanveer, Manveer, Jagdeep";
constexpr std::string_view kSikhFemale =
    "Harpreet, Gurpreet, Manjit, Jaswinder, Kulwinder, Sukhwinder, Rajinder, Amarjit, "
    "Parminder, Baljit, Harjinder, Simran, Jasleen, Gurleen, Harleen, Navneet, Mandeep, "
    "Rupinder, Manpreet, Sukhpreet, Jasmeet, Kiran, Amrit, Navjot, Prabhjot, Jaspreet, Harnoor, "
    "Gurinder, Surinder, Satwant, Kamaljit, Balbir, Jasvir, Harsimran, Ishmeet";
constexpr std::string_view kSikhSurnames =
    "Singh, Sandhu, Gill, Dhillon, Sidhu, Grewal, Bains, Johal, Atwal, Sangha, Bhamra, Kang, "
    "Dhaliwal, Sahota, Virdi, Rai, Bassi, Matharu, Sohal, Chahal, Mann, Hayer, Aujla, Dhami, "
    "Kalsi, Bhogal, Heer, Uppal, Toor, Sehmi, Panesar, Flora, Hunjan, Nijjar";

// ---------------------------------------------------------------- Hindu (Gujarati / Punjabi)
constexpr std::string_view kHinduMale =
    "Rajesh, Sanjay, Anil, Sunil, Vijay, Ashok, Ramesh, Suresh, Dinesh, Mahesh, Nikhil, Rohan, "
    "Arjun, Krishna, Dev, Aarav, Vihaan, Ravi, Deepak, Manoj, Pradeep, Hitesh, Nilesh, Bhavesh, "
    "Jayesh, Kiran, Mukesh, Pranav, Rahul, Kunal, Aryan, Ishaan, Rishi, Yash, Jignesh, Rakesh";
constexpr std::string_view kHinduFemale =
    "Priya, Anjali, Pooja, Neha, Sunita, Anita, Geeta, Meena, Rekha, Kavita, Nisha, Sita, Hema, "
    "Bhavna, Asha, Usha, Jaya, Shreya, Diya, Aanya, Isha, Riya, Kiran, Divya, Komal, Sonal, "
    "Hetal, Krupa, Nikita, Sapna, Priyanka, Mira, Anika, Trisha";
constexpr std::string_view kHinduSurnames =
    "Patel, Sharma, Mistry, Shah, Parmar, Solanki, Chauhan, Gupta, Kumar, Lad, Chavda, Joshi, "
    "Mehta, Desai, Pandya, Rana, Makwana, Vaghela, Bhatt, Trivedi, Thakkar, Modi, Kotecha, "
    "Lakhani, Chopra, Kapoor, Verma, Malhotra, Sood, Bhatia, Tailor, Gohil";

// ---------------------------------------------------------------- Polish
constexpr std::string_view kPolishMale =
    "Jakub, Kacper, Szymon, Mateusz, Michał, Bartosz, Piotr, Paweł, Tomasz, Łukasz, Krzysztof, "
    "Marcin, Adam, Dawid, Wojciech, Kamil, Maciej, Grzegorz, Rafał, Jan, Filip, Antoni, "
    "Aleksander, Franciszek, Stanisław, Andrzej, Marek, Dariusz, Sebastian, Damian, Przemysław, "
    "Artur, Patryk, Oskar, Wiktor, Igor, Nikodem, Mikołaj, Krystian, Daniel";
constexpr std::string_view kPolishFemale =
    "Anna, Katarzyna, Małgorzata, Agnieszka, Magdalena, Joanna, Aleksandra, Monika, Ewa, "
    "Natalia, Zuzanna, Julia, Maja, Zofia, Hanna, Lena, Oliwia, Wiktoria, Amelia, Alicja, "
    "Karolina, Justyna, Dorota, Beata, Marta, Paulina, Patrycja, Weronika, Gabriela, Emilia, "
    "Barbara, Krystyna, Iwona, Sylwia, Kinga, Izabela, Martyna, Dominika, Klaudia, Agata, "
    "Elżbieta";
// Masculine forms; women's -ki forms become -ka.
constexpr std::string_view kPolishSurnames =
    "Nowak, Kowalski, Wiśniewski, Wójcik, Kowalczyk, Kamiński, Lewandowski, Zieliński, "
    "Szymański, Woźniak, Dąbrowski, Kozłowski, Jankowski, Mazur, Kwiatkowski, Krawczyk, "
    "Piotrowski, Grabowski, Nowakowski, Pawłowski, Michalski, Nowicki, Adamczyk, Dudek, Zając, "
    "Wieczorek, Jabłoński, Król, Majewski, Olszewski, Jaworski, Wróbel, Malinowski, Pawlak, "
    "Witkowski, Walczak, Stępień, Górski, Rutkowski, Michalak, Sikora, Ostrowski, Baran, Duda, "
    "Szewczyk, Tomaszewski, Pietrzak, Marciniak, Wróblewski, Zalewski, Jakubowski, Jasiński, "
    "Zawadzki, Sadowski, Bąk, Chmielewski, Włodarczyk, Borkowski, Czarnecki, Sawicki, "
    "Sokołowski, Urbański, Kubiak, Maciejewski, Szczepański, Kucharski, Wilk, Kalinowski, Lis, "
    "Mazurek, Wysocki, Adamski, Kaźmierczak, Wasilewski, Sobczak, Czerwiński, Cieślak, "
    "Głowacki, Zakrzewski, Kołodziej, Sikorski, Krajewski, Gajewski, Szymczak, Szulc";

// ---------------------------------------------------------------- Romanian
constexpr std::string_view kRomanianMale =
    "Andrei, Alexandru, Ionuț, Ion, Gheorghe, Mihai, Constantin, Florin, Marian, Adrian, "
    "Cristian, Daniel, Ștefan, Vasile, Nicolae, Gabriel, Bogdan, Costel, Marius, Sorin, Darius, "
    "David, Luca, Matei, Denis, Fabian, Robert, Cosmin, Dumitru, Petru, Sebastian, Eduard";
constexpr std::string_view kRomanianFemale =
    "Maria, Elena, Ioana, Andreea, Mihaela, Gabriela, Alexandra, Florentina, Georgiana, Ana, "
    "Cristina, Daniela, Nicoleta, Roxana, Alina, Simona, Bianca, Denisa, Larisa, Ramona, "
    "Loredana, Adriana, Claudia, Sofia, Daria, Antonia, Raluca, Irina, Mădălina, Iuliana";
constexpr std::string_view kRomanianSurnames =
    "Popa, Popescu, Radu, Dumitru, Stan, Stoica, Gheorghe, Matei, Ciobanu, Ionescu, Rusu, "
    "Munteanu, Constantin, Moldovan, Lazăr, Mihai, Florea, Marin, Tudor, Dinu, Sandu, Lungu, "
    "Barbu, Toma, Preda, Neagu, Ene, Mocanu, Cristea, Ursu, Dobre, Nistor, Nedelcu, Voicu, "
    "Manea, Căldăraru, Stanciu, Oprea, Bălan, Pop, Zamfir, Vlad, Ilie, Dragomir";

// ---------------------------------------------------------------- Caribbean
constexpr std::string_view kCaribMaleOld =
    "Winston, Delroy, Leroy, Clifton, Errol, Desmond, Lloyd, Carlton, Everton, Trevor, Clive, "
    "Neville, Marvin, Devon, Jermaine, Dwayne, Marlon, Andre, Tyrone, Kareem, Michael, Paul, "
    "Anthony, Mark, Junior, Wayne, Dean, Courtney";
constexpr std::string_view kCaribFemaleOld =
    "Sharon, Marcia, Beverley, Paulette, Jacqueline, Yvonne, Sonia, Claudette, Janet, Hyacinth, "
    "Marlene, Simone, Natasha, Keisha, Michelle, Donna, Angela, Andrea, Joanne, Sandra, Carol";
constexpr std::string_view kCaribMaleYoung =
    "Jayden, Jaden, Kai, Malachi, Tyrese, Jahmal, Kyrie, Josiah, Elijah, Isaiah, Nathaniel, "
    "Joel, Reuben, Dante, Tyler, Jordan, Marcus, Aaron, Daniel, Joshua, Zion, Jamal, Xavier";
constexpr std::string_view kCaribFemaleYoung =
    "Shanice, Tanisha, Kayla, Aaliyah, Jada, Nia, Imani, Chantelle, Precious, Shantelle, Tia, "
    "Amani, Destiny, Jasmine, Naomi, Jade, Leah, Chloe, Tiana, Keira, Serena, Zara, Kiara";
constexpr std::string_view kCaribSurnames =
    "Campbell, Brown, Williams, Smith, Johnson, Clarke, Thomas, Francis, Thompson, Reid, Grant, "
    "Lewis, Robinson, Henry, Walker, Bailey, Edwards, Morgan, Gordon, Richards, Anderson, Allen, "
    "Bennett, Samuels, Powell, Gayle, McKenzie, Barrett, Ellis, Spence, Morrison, Graham, "
    "Blake, Daley, Hinds, Gooden, Forbes, Chambers, Facey, Beckford, Nembhard, Wint";

// ---------------------------------------------------------------- African
// Nigerian and Ghanaian.
constexpr std::string_view kWestAfricanMale =
    "Emmanuel, Samuel, David, Daniel, Joseph, Oluwaseun, Chukwuemeka, Emeka, Babatunde, "
    "Olumide, Chinedu, Obinna, Ikenna, Kwame, Kofi, Godwin, Divine, Oluwatobi, Oluwafemi, "
    "Adebayo, Kelechi, Kwabena, Yaw, Tobi, Ayodele";
constexpr std::string_view kWestAfricanFemale =
    "Grace, Blessing, Faith, Mercy, Patience, Precious, Deborah, Esther, Chioma, Ngozi, Adaeze, "
    "Funmilayo, Folake, Bukola, Yetunde, Tolulope, Chiamaka, Amara, Nkechi, Ama, Akua, "
    "Olufunmilayo, Folasade, Oluwakemi, Ruth, Abena, Efua";
constexpr std::string_view kWestAfricanSurnames =
    "Okafor, Okeke, Adeyemi, Adebayo, Okonkwo, Balogun, Ogunleye, Oladipo, Afolabi, Eze, Nwosu, "
    "Obi, Mensah, Asante, Boateng, Owusu, Adeleke, Ogbonna, Oyelaran, Nwachukwu, Appiah, Darko";
// Zimbabwean.
constexpr std::string_view kZimMale =
    "Tendai, Tatenda, Tafadzwa, Farai, Tinashe, Kudakwashe, Takudzwa, Blessing, Simbarashe, "
    "Tapiwa, Tonderai, Brian, Gift, Tawanda";
constexpr std::string_view kZimFemale =
    "Rudo, Chipo, Tsitsi, Nyasha, Ruvimbo, Tendai, Rutendo, Fadzai, Grace, Memory, Faith, "
    "Chiedza, Nokuthula, Tariro";
constexpr std::string_view kZimSurnames =
    "Moyo, Ndlovu, Dube, Sibanda, Ncube, Nkomo, Mutasa, Chikwava, Mupfumi, Mpofu, Chiwenga, "
    "Gumbo, Maphosa, Marufu, Nyathi, Shumba";
// Eritrean and Ethiopian.
constexpr std::string_view kHornMale =
    "Yonas, Dawit, Eyob, Mesfin, Samuel, Daniel, Yohannes, Tesfay, Berhane, Mehari, Kidane, "
    "Filmon, Robel, Natnael";
constexpr std::string_view kHornFemale =
    "Luwam, Senait, Miriam, Helen, Selam, Saba, Hiwet, Tsega, Rahel, Meron, Feven, Winta";
constexpr std::string_view kHornSurnames =
    "Tesfaye, Gebremedhin, Haile, Kidane, Tekle, Ghebreyesus, Berhe, Woldemichael, Asfaha, "
    "Habte, Mengistu, Tsegay";

// ---------------------------------------------------------------- Somali
// Somali names are patronymic: a person's "surname" is the father's given name.
constexpr std::string_view kSomaliMale =
    "Mohamed, Abdi, Ahmed, Abdullahi, Abdirahman, Hassan, Ali, Omar, Yusuf, Ismail, Farah, "
    "Osman, Jama, Warsame, Hussein, Mahad, Liban, Guled, Abdikarim, Said, Nur, Aden, Ibrahim, "
    "Mustafa, Bashir, Hamza, Khalid, Yasin, Abdiaziz, Mohamud";
constexpr std::string_view kSomaliFemale =
    "Hodan, Faduma, Asha, Hawa, Ifrah, Sahra, Hamdi, Ayan, Amina, Khadra, Nimco, Sagal, Ubah, "
    "Deeqa, Fartun, Halima, Hibo, Idil, Maryan, Muna, Naima, Safiya, Sumaya, Zamzam, Ikran";

std::vector<Community> build_communities() {
  auto mk = [](std::string name, unsigned weight, Naming naming, std::string_view mo,
               std::string_view fo, std::string_view my, std::string_view fy, std::string_view sur,
               unsigned sur_offset, std::string_view fsur, unsigned mid_a, unsigned mid_c,
               unsigned jan1, unsigned accents) {
    Community c;
    c.name = std::move(name);
    c.weight = weight;
    c.naming = naming;
    c.male_old = make_list(mo, 3);
    c.female_old = make_list(fo, 3);
    c.male_young = make_list(my, 3);
    c.female_young = make_list(fy, 3);
    c.surnames = make_list(sur, sur_offset);
    if (!fsur.empty()) c.female_surnames = make_list(fsur, 2);
    c.middle_adult = mid_a;
    c.middle_child = mid_c;
    c.jan1_adult = jan1;
    c.keep_accents = accents;
    return c;
  };
  std::vector<Community> v;
  v.push_back(mk("english", 560, Naming::kWestern, kEnglishMaleOld, kEnglishFemaleOld,
                 kEnglishMaleYoung, kEnglishFemaleYoung, kEnglishSurnames, 12, "", 450, 600, 0,
                 1000));
  v.push_back(mk("irish", 35, Naming::kWestern, kIrishMale, kIrishFemale, kIrishMale, kIrishFemale,
                 kIrishSurnames, 5, "", 500, 600, 0, 1000));
  v.push_back(mk("scottish", 25, Naming::kWestern, kScottishMale, kScottishFemale, kScottishMale,
                 kScottishFemale, kScottishSurnames, 5, "", 450, 550, 0, 1000));
  v.push_back(mk("welsh", 15, Naming::kWestern, kWelshMale, kWelshFemale, kWelshMale, kWelshFemale,
                 kWelshSurnames, 3, "", 450, 550, 0, 1000));
  v.push_back(mk("pakistani", 150, Naming::kSouthAsianMuslim, kPakMale, kPakFemale, kPakMale,
                 kPakFemale, kPakSurnames, 3, kPakFemaleSurnames, 250, 300, 30, 1000));
  v.push_back(mk("gujarati-muslim", 40, Naming::kSouthAsianMuslim, kGujMuslimMale, kGujMuslimFemale,
                 kGujMuslimMale, kGujMuslimFemale, kGujMuslimSurnames, 2, "", 200, 250, 10, 1000));
  v.push_back(mk("sikh", 30, Naming::kSikh, kSikhMale, kSikhFemale, kSikhMale, kSikhFemale,
                 kSikhSurnames, 3, "", 0, 0, 10, 1000));
  v.push_back(mk("hindu", 20, Naming::kWestern, kHinduMale, kHinduFemale, kHinduMale, kHinduFemale,
                 kHinduSurnames, 2, "", 100, 150, 10, 1000));
  v.push_back(mk("polish", 50, Naming::kPolish, kPolishMale, kPolishFemale, kPolishMale,
                 kPolishFemale, kPolishSurnames, 4, "", 120, 150, 5, 650));
  v.push_back(mk("romanian", 30, Naming::kWestern, kRomanianMale, kRomanianFemale, kRomanianMale,
                 kRomanianFemale, kRomanianSurnames, 4, "", 200, 250, 20, 500));
  v.push_back(mk("caribbean", 30, Naming::kWestern, kCaribMaleOld, kCaribFemaleOld, kCaribMaleYoung,
                 kCaribFemaleYoung, kCaribSurnames, 5, "", 550, 650, 0, 1000));
  v.push_back(mk("somali", 10, Naming::kSomali, kSomaliMale, kSomaliFemale, kSomaliMale,
                 kSomaliFemale, kSomaliMale, 3, "", 100, 150, 200, 1000));
  v.push_back(mk("west-african", 11, Naming::kWestern, kWestAfricanMale, kWestAfricanFemale,
                 kWestAfricanMale, kWestAfricanFemale, kWestAfricanSurnames, 4, "", 500, 550, 60,
                 1000));
  v.push_back(mk("zimbabwean", 5, Naming::kWestern, kZimMale, kZimFemale, kZimMale, kZimFemale,
                 kZimSurnames, 3, "", 300, 350, 60, 1000));
  v.push_back(mk("eritrean", 4, Naming::kWestern, kHornMale, kHornFemale, kHornMale, kHornFemale,
                 kHornSurnames, 3, "", 0, 0, 250, 1000));
  return v;
}

// ---------------------------------------------------------------- variants
// Given-name groups: formal name first, then short forms used in records.
constexpr std::string_view kNicknameGroups =
    // British and Irish, men
    "M:Robert,Rob,Bob,Bobby,Robbie;M:William,Will,Bill,Billy,Liam;M:James,Jim,Jimmy,Jamie;"
    "M:Michael,Mike,Mick,Mickey;M:Christopher,Chris,Kit;M:Anthony,Tony,Ant;M:Thomas,Tom,Tommy;"
    "M:Joseph,Joe,Joey;M:Samuel,Sam,Sammy;M:Benjamin,Ben,Benny;M:Daniel,Dan,Danny;"
    "M:Matthew,Matt;M:Andrew,Andy,Drew;M:Alexander,Alex,Sandy,Xander;M:Stephen,Steve,Stevie;"
    "M:Steven,Steve;M:Richard,Rich,Rick,Richie,Dick;M:Edward,Ed,Eddie,Ted,Ned;"
    "M:Nicholas,Nick,Nicky;M:Jonathan,Jon,Jonny;M:David,Dave,Davy;M:Peter,Pete;"
    "M:Philip,Phil;M:Phillip,Phil;M:Timothy,Tim;M:Gregory,Greg;M:Frederick,Fred,Freddie;"
    "M:Alfred,Alf,Alfie;M:Henry,Harry,Hal;M:Charles,Charlie,Chas;M:Joshua,Josh;"
    "M:Nathaniel,Nate,Nat;M:Nathan,Nate;M:Jacob,Jake;M:John,Jack,Johnny;M:Patrick,Pat,Paddy;"
    "M:Francis,Frank,Frankie;M:Lawrence,Larry,Laurie;M:Leonard,Len,Lenny;M:Raymond,Ray;"
    "M:Kenneth,Ken,Kenny;M:Ronald,Ron,Ronnie;M:Donald,Don;M:Douglas,Doug;M:Terence,Terry;"
    "M:Gerald,Gerry;M:Gerard,Gerry;M:Bernard,Bernie;M:Archibald,Archie;M:Oliver,Ollie;"
    "M:Theodore,Theo,Teddy;M:Zachary,Zac,Zach;M:Callum,Cal;M:Cameron,Cam;M:Gary,Gaz;"
    "M:Barry,Baz;M:Darren,Daz;M:Kevin,Kev;M:Stanley,Stan;M:Albert,Albie,Bert;"
    "M:Sebastian,Seb;M:Reginald,Reg;M:Leslie,Les;M:Malcolm,Mal;M:Vincent,Vince;"
    "M:Maximilian,Max;M:Maxwell,Max;M:Elliot,Eli;M:Harrison,Harry;M:Lewis,Lew;"
    "M:Dafydd,Dai,Dafi;M:Llewellyn,Llew;M:Hamish,Jamie;M:Alistair,Ali,Al;M:Cornelius,Neil;"
    // British and Irish, women
    "F:Elizabeth,Liz,Beth,Lizzie,Betty,Eliza,Libby;F:Margaret,Maggie,Peggy,Meg;"
    "F:Katherine,Kate,Katie,Kath,Kathy,Kat;F:Catherine,Kate,Cathy,Cath,Katie;"
    "F:Kathryn,Kate,Kathy;F:Kathleen,Kath,Kathy;F:Deborah,Debbie,Deb;F:Rebecca,Becky,Becca;"
    "F:Samantha,Sam,Sammie;F:Victoria,Vicky,Tori;F:Jennifer,Jen,Jenny;F:Jessica,Jess,Jessie;"
    "F:Christine,Chris,Chrissie,Tina;F:Susan,Sue,Susie;F:Patricia,Pat,Tricia,Trish;"
    "F:Jacqueline,Jackie;F:Josephine,Jo,Josie;F:Joanne,Jo;F:Joanna,Jo;F:Nicola,Nicky,Nic;"
    "F:Abigail,Abbie,Abby;F:Amanda,Mandy;F:Alison,Ali;F:Charlotte,Lottie,Charlie;"
    "F:Eleanor,Ellie,Nell;F:Isabella,Bella,Izzy;F:Isabelle,Izzy,Belle;F:Amelia,Millie,Mia;"
    "F:Emily,Em,Emmy;F:Madeleine,Maddie;F:Louise,Lou;F:Stephanie,Steph;F:Natalie,Nat;"
    "F:Natasha,Tash,Tasha;F:Georgina,Georgie;F:Frances,Fran;F:Dorothy,Dot,Dolly;"
    "F:Mary,Molly;F:Anne,Annie;F:Ann,Annie;F:Kimberley,Kim;F:Danielle,Dani;"
    "F:Olivia,Liv,Livvy;F:Sophia,Sophie;F:Evelyn,Evie;F:Imogen,Immy;F:Matilda,Tilly;"
    "F:Florence,Flo,Florrie;F:Harriet,Hattie;F:Penelope,Penny;F:Rosemary,Rosie;F:Sarah,Sally;"
    "F:Gillian,Gill,Jill;F:Beverley,Bev;F:Pamela,Pam;F:Sharon,Shaz;F:Theresa,Tess,Terri;"
    "F:Teresa,Tess;F:Bridget,Bridie;F:Rhiannon,Rhi;F:Gwendolyn,Gwen;F:Alexandra,Alex,Lexi;"
    "F:Gabriella,Gabby;F:Antonia,Toni;F:Valerie,Val;F:Janet,Jan;F:Angela,Angie;F:Caroline,Caz;"
    "F:Kerry,Kez;F:Jade,Jadey;F:Ruth,Ruthie;F:Hannah,Hanna;"
    // Polish
    "F:Katarzyna,Kasia;F:Małgorzata,Gosia,Małgosia;F:Aleksandra,Ola;F:Agnieszka,Aga;"
    "F:Magdalena,Magda;F:Joanna,Asia;F:Zuzanna,Zuzia;F:Barbara,Basia;F:Zofia,Zosia;"
    "F:Wiktoria,Wika;F:Krystyna,Krysia;F:Anna,Ania;F:Elżbieta,Ela;F:Julia,Julka;"
    "F:Dorota,Dora;F:Dominika,Domi;F:Weronika,Wera;"
    "M:Krzysztof,Krzyś;M:Wojciech,Wojtek;M:Jakub,Kuba;M:Tomasz,Tomek;M:Aleksander,Olek;"
    "M:Piotr,Piotrek;M:Bartosz,Bartek;M:Grzegorz,Grzesiek;M:Przemysław,Przemek;"
    "M:Stanisław,Staś;M:Franciszek,Franek;M:Jan,Janek;M:Dariusz,Darek;M:Maciej,Maciek;"
    "M:Antoni,Antek;M:Mateusz,Mati;M:Michał,Michu;M:Paweł,Pawełek;M:Kacper,Kacperek;"
    // Romanian
    "M:Alexandru,Alex;M:Nicolae,Nicu;M:Constantin,Costel,Costi;M:Cristian,Cristi;"
    "M:Gheorghe,George,Gigel;M:Ion,Ionel;M:Ștefan,Fane;F:Gabriela,Gabi;F:Daniela,Dana;"
    "F:Alexandra,Alexa;F:Florentina,Flori;F:Mihaela,Miha;"
    // South Asian
    "M:Mohammed,Mo,Mohd,Md;M:Muhammad,Mo,Mohd,Md;M:Mohammad,Mo,Mohd;M:Muhammed,Mo;"
    "M:Mohamed,Mo,Mohd;M:Ibrahim,Ibby;M:Zakariya,Zak,Zaki;M:Sulaiman,Sully;M:Imran,Immy;"
    "M:Mustafa,Mus;M:Abdullah,Abdul;M:Suhail,Sunny;F:Khadija,Dija;F:Khadijah,Dija;"
    "F:Fatima,Fati;F:Mahnoor,Noor;F:Ruqayyah,Ruqi;F:Safiyyah,Safi;F:Sumayyah,Sumi;"
    "U:Harpreet,Preet,Harry;U:Gurpreet,Gurps;U:Jaswinder,Jas;U:Kulwinder,Kully;"
    "U:Sukhwinder,Sukhi;U:Rajinder,Raj;U:Manjit,Manj;M:Harjit,Harj;U:Amarjit,Amar;"
    "F:Paramjit,Pam;M:Paramjit,Param;M:Balwinder,Bally;M:Ravinder,Rav;M:Jasbir,Jas;"
    "F:Parminder,Pam,Pinky;M:Rajesh,Raj;M:Sanjay,Sanj;M:Krishna,Krish;F:Priyanka,Priya;"
    "M:Sandeep,Sandy,Sunny;U:Navjot,Nav;F:Navneet,Nav;M:Jaskaran,Jas;M:Hardeep,Hardy;"
    "M:Satnam,Sat;M:Tejinder,Tej;F:Harsimran,Simran;F:Jasleen,Jas;"
    // African
    "M:Oluwaseun,Seun;M:Babatunde,Tunde;M:Chukwuemeka,Emeka;M:Oluwatobi,Tobi;M:Oluwafemi,Femi;"
    "M:Olumide,Mide;M:Kudakwashe,Kuda;M:Tafadzwa,Tafa;F:Chiamaka,Amaka;"
    "F:Tolulope,Tolu;F:Olufunmilayo,Funmi;F:Funmilayo,Funmi;F:Folasade,Sade;F:Oluwakemi,Kemi;"
    "F:Adaeze,Ada;F:Ruvimbo,Ruvi";

constexpr std::string_view kGivenSpellingGroups =
    "M:Mohammed,Muhammad,Mohammad,Mohamed,Muhammed,Mohamad;F:Zainab,Zaynab,Zenab;"
    "F:Katherine,Catherine,Kathryn,Katharine,Catharine;M:Stephen,Steven;"
    "F:Aisha,Ayesha,Aysha,Aishah,Aaishah;M:Jon,John;M:Jonathan,Johnathan,Jonathon;"
    "M:Sean,Shaun,Shawn;M:Hussain,Hussein,Husain;M:Hassan,Hasan;M:Yusuf,Yousuf,Yousef,Yusef;"
    "M:Ibrahim,Ebrahim,Ibraheem;M:Ismail,Ismael,Esmail;F:Fatima,Fatimah,Fatema;"
    "F:Khadija,Khadijah,Khadeeja;F:Maryam,Mariam,Maryum;F:Amina,Aminah,Ameena;"
    "F:Ruqayyah,Ruqaiya,Rukaya;F:Safiya,Safiyyah,Safia;F:Hafsa,Hafsah;M:Usman,Uthman,Osman;"
    "M:Umar,Omar;M:Abdullah,Abdulla;M:Zakariya,Zakaria,Zakariyya;M:Yaseen,Yasin,Yassin;"
    "M:Haroon,Harun,Haroun;F:Iqra,Ikra;F:Sana,Sanaa;U:Noor,Nur;F:Jasmine,Jasmin,Yasmin,Yasmine;"
    "F:Leah,Lea,Lia;F:Hannah,Hanna;F:Sarah,Sara;F:Lauren,Loren;F:Zoe,Zoë,Zoey;"
    "M:Jayden,Jaden,Jaiden,Jaydon;M:Aiden,Aidan,Ayden;M:Kayden,Kaiden,Caden;M:Connor,Conor;"
    "M:Ciaran,Kieran,Kieron;F:Niamh,Neve,Neave;M:Philip,Phillip;M:Geoffrey,Jeffrey;"
    "M:Graham,Graeme;M:Alistair,Alasdair,Alastair;M:Ian,Iain;M:Callum,Calum;"
    "F:Rachel,Rachael;F:Michelle,Michele;F:Tracey,Tracy;F:Stacey,Stacy;F:Lindsey,Lindsay;"
    "F:Kerry,Kerrie;F:Hayley,Haley,Hailey;F:Ashleigh,Ashley;F:Carly,Carley;F:Nicola,Nichola;"
    "F:Leanne,Lianne;F:Joanne,Joann;F:Deborah,Debra;F:Ann,Anne;F:Claire,Clare;"
    "F:Caitlin,Katelyn,Caitlyn;F:Megan,Meghan;F:Lily,Lilly,Lillie;F:Millie,Milly;"
    "M:Elliot,Elliott;M:Matthew,Mathew;M:Rhys,Reece,Reese;M:Jaswinder,Jasvinder;"
    "U:Kulwinder,Kulvinder;U:Sukhwinder,Sukhvinder;U:Rajinder,Rajindar;U:Amarjit,Amarjeet;"
    "U:Manjit,Manjeet;M:Harjit,Harjeet;M:Gurjeet,Gurjit;U:Paramjit,Paramjeet;F:Baljit,Baljeet;"
    "M:Ravinder,Ravindar;M:Kuldip,Kuldeep;M:Gurdeep,Gurdip;M:Hardeep,Hardip;U:Mandeep,Mandip;"
    "M:Sandeep,Sandip;F:Priya,Preeya;F:Pooja,Puja;M:Deepak,Dipak;M:Pradeep,Pradip;"
    "M:Ionuț,Ionut;M:Ștefan,Stefan;M:Michał,Michal;M:Łukasz,Lukasz;M:Paweł,Pawel;"
    "M:Rafał,Rafal;M:Mikołaj,Mikolaj;M:Stanisław,Stanislaw;M:Przemysław,Przemyslaw;"
    "F:Małgorzata,Malgorzata;F:Elżbieta,Elzbieta;F:Mădălina,Madalina;F:Andreea,Andrea;"
    "F:Aleksandra,Alexandra;M:Aleksander,Alexander;F:Oliwia,Olivia;F:Wiktoria,Viktoria,Victoria;"
    "M:Dawid,David;M:Wiktor,Viktor,Victor;F:Isabelle,Isabel,Isobel;F:Mollie,Molly;"
    "F:Hollie,Holly;F:Darcy,Darcey,Darci;F:Ellie-Mae,Ellie Mae,Elliemae;F:Lilly-Mai,Lilly "
    "Mai,Lily-May;"
    "F:Tia-Rose,Tia Rose;F:Casey-Leigh,Casey Leigh;F:Lacey-Mae,Lacey Mae;M:Jean-Pierre,Jean Pierre;"
    "M:Charlie-Ray,Charlie Ray;M:Alfie-Lee,Alfie Lee;M:Abdirahman,Abdurahman,Abdi Rahman;"
    "M:Abdullahi,Abdilahi;F:Faduma,Fadumo,Fatuma;F:Sahra,Sahro;M:Mustafa,Mustapha;"
    "F:Safiyyah,Safiyah;F:Sumayyah,Sumaiya;F:Ruqayyah,Ruqayah;M:Zayan,Zayaan;M:Ayaan,Ayan;"
    "M:Rayyan,Rayan;M:Tariq,Tarik;M:Shahid,Shaheed;M:Zubair,Zubayr;F:Hira,Heera;"
    "F:Nasreen,Nasrin;F:Parveen,Perveen;F:Shazia,Shazya;M:Oluwaseun,Oluseun;M:Luke,Luc";

constexpr std::string_view kSurnameSpellingGroups =
    "U:Hussain,Hussein,Husain;U:Mahmood,Mahmud,Mehmood;U:Chaudhry,Chaudhary,Choudhury,Chowdhury;"
    "U:Rehman,Rahman;U:Qureshi,Kureshi;U:Siddique,Siddiqui;U:Thompson,Thomson;U:Clarke,Clark;"
    "U:Reid,Reed,Read;U:Phillips,Philips;U:Matthews,Mathews;U:Davies,Davis;"
    "U:Stephenson,Stevenson;U:Gray,Grey;U:Smith,Smyth;U:Haigh,Haig;U:Hirst,Hurst;U:Kaye,Kay;"
    "U:Brook,Brooke,Brooks;U:Hinchliffe,Hinchcliffe,Hinchcliff;U:Sutcliffe,Sutcliff;"
    "U:Ackroyd,Akroyd;U:Holroyd,Holroyde;U:Mellor,Mellors;U:Moorhouse,Moorehouse;"
    "U:Whiteley,Whitely;U:Littlewood,Littlewoods;U:Ahmed,Ahmad;U:Yousaf,Yousuf,Yusuf;"
    "U:Younis,Yunus;U:Saleem,Salim;U:Rashid,Rasheed;U:Hameed,Hamid;U:Yaqoob,Yakub,Yaqub;"
    "U:Mohamed,Mohammed;U:Patel,Patell;U:Mistry,Mistri;U:Sandhu,Sandu;U:Dhillon,Dillon;"
    "U:Wójcik,Wojcik;U:Wiśniewski,Wisniewski;U:Woźniak,Wozniak;U:Dąbrowski,Dabrowski;"
    "U:Zając,Zajac;U:Król,Krol;U:Wróbel,Wrobel;U:Stępień,Stepien;U:Bąk,Bak;U:Lazăr,Lazar;"
    "U:Bălan,Balan;U:Căldăraru,Caldararu;U:Popescu,Popesku;U:McKenzie,Mackenzie;"
    "U:Callaghan,O'Callaghan;U:Reilly,O'Reilly;U:Doherty,Docherty;U:Mohamud,Mohamed;"
    "U:Ogunleye,Ogunlaye;U:Adeyemi,Adeyami;U:Hinds,Hines;U:Gayle,Gale";

// Pairs of similar names given to twins and siblings.
constexpr std::string_view kSimilarPairs =
    "FF:Laura/Lauren;FF:Ella/Ellie;FF:Amelia/Amelie;FF:Isla/Isabel;"
    "FF:Hannah/Anna;FF:Mia/Maya;FF:Chloe/Zoe;FF:Jessica/Jasmine;FF:Hana/Hania;"
    "FF:Zara/Sara;FF:Amira/Amina;FF:Aleena/Aliza;FF:Hira/Iqra;FF:Sana/Saima;FF:Jasleen/"
    "Gurleen;FF:Harleen/Harpreet;"
    "FF:Hafsa/Hamna;FF:Inaya/Anaya;FF:Aleena/Aleeza;FF:Simran/Simrat;FF:Harleen/Harneet;"
    "FF:Priya/Piya;FF:Julia/Julianna;FF:Maja/Maria;FF:Kayla/Kayleigh;FF:Macy/Maisie;"
    "FF:Evie/Eva;FF:Faith/Hope;FF:Tia/Mia;"
    "MM:Hassan/Hussain;MM:Hasan/Husain;MM:Ayaan/Rayyan;"
    "MM:Harry/Harvey;MM:Ryan/Rhys;MM:Alfie/Albie;"
    "MM:Mason/Jason;MM:Kai/Kian;MM:Ali/Aliyan;"
    "MM:Bilal/Hilal;MM:Zain/Zayan;MM:Imran/Irfan;MM:Sajid/Majid;MM:Ayaan/Zayan;MM:Harjot/"
    "Harveer;MM:Yusuf/Yunus;MM:Ibrahim/Ismail;"
    "MM:Jakub/Jan;MM:Filip/Fabian;MM:Kacper/Kamil;MM:Andrei/Andrew;MM:Tyler/Taylor;"
    "MM:Daniel/Darren;MM:Luke/Lucas;MM:Jack/Jake;MM:Gurveer/Harveer;"
    "MM:Arjan/Arjun;MM:Samuel/Daniel;MM:Leo/Theo;MM:Freddie/Teddie;"
    "MF:Oliver/Olivia;MF:Daniel/Danielle;MF:Samuel/Samantha;MF:Alex/Alexa;MF:Noah/Nora;"
    "MF:Ali/Alia;MF:Zain/Zainab;MF:Adam/Ada;MF:Harry/Harriet;MF:Jordan/Jorja;MF:Kyle/Kylie;"
    "MF:Ryan/Rhianna;MF:George/Georgia;MF:Jayden/Jada";

std::vector<VariantGroup> parse_groups(std::string_view spec) {
  std::vector<VariantGroup> out;
  for (const auto& g : split_list(spec, ';')) {
    VariantGroup vg;
    vg.sex = g[0];
    vg.names = split_list(std::string_view(g).substr(2), ',');
    if (vg.names.size() >= 2) out.push_back(std::move(vg));
  }
  return out;
}

}  // namespace

const std::vector<Community>& communities() {
  static const std::vector<Community> v = build_communities();
  return v;
}

bool community_uses(const Community& c, std::string_view given) {
  static const std::vector<std::unordered_map<std::string, bool>> sets = [] {
    const auto& cs = communities();
    std::vector<std::unordered_map<std::string, bool>> v(cs.size());
    std::unordered_map<std::string, bool> british;
    auto is_british = [](const std::string& n) {
      return n == "english" || n == "irish" || n == "scottish" || n == "welsh" || n == "caribbean";
    };
    for (size_t k = 0; k < cs.size(); ++k)
      for (const NameList* l :
           {&cs[k].male_old, &cs[k].female_old, &cs[k].male_young, &cs[k].female_young})
        for (const auto& n : l->names) {
          v[k][key_of(n)] = true;
          if (is_british(cs[k].name)) british[key_of(n)] = true;
        }
    for (size_t k = 0; k < cs.size(); ++k)
      if (is_british(cs[k].name)) v[k] = british;
    return v;
  }();
  const size_t k = static_cast<size_t>(&c - &communities()[0]);
  return sets[k].count(key_of(given)) > 0;
}

std::string rare_english_surname(Rng& rng) {
  static const std::vector<std::string> pre = split_list(
      "Ack, Hol, Mur, Old, Rod, Ayn, Black, Bar, Bird, Bottom, Brig, Butter, Clay, Cross, Dean, "
      "Eck, Green, Hep, Hey, Hough, Ing, Kirk, Lang, Ling, Long, Mars, Moor, Nether, Ox, Raw, "
      "Rush, Saw, Stan, Sut, Thorn, Went, Whit, Wood, Ash, Birk, Brad, Crag, Dob, Fenn, Gath, "
      "Hart, Holm, Kil, Lay, Mid, Nab, Pad, Quar, Rip, Scam, Shep, Skel, Stock, Tod, Wag, Yate");
  static const std::vector<std::string> suf = split_list(
      "royd, worth, shaw, ley, den, cliffe, ton, field, house, wood, thwaite, by, hurst, well, "
      "bottom, ridge, ell, lock, stall, sall, ham, croft, gill, bank, dale");
  static const Weighted suf_w(zipf_weights(suf.size(), 2));
  std::string s = rng.pick(pre);
  const std::string& t = suf[suf_w.pick(rng)];
  // Avoid a doubled letter at the seam looking like a typo (Bottomm...).
  if (!s.empty() && !t.empty() && s.back() == t.front()) s.pop_back();
  return s + t;
}

VariantIndex::VariantIndex(std::vector<VariantGroup> groups) : groups_(std::move(groups)) {
  for (size_t i = 0; i < groups_.size(); ++i)
    for (const auto& n : groups_[i].names) {
      auto& v = by_key_[to_lower(n)];
      if (std::find(v.begin(), v.end(), static_cast<int>(i)) == v.end())
        v.push_back(static_cast<int>(i));
    }
}

std::vector<std::string> VariantIndex::alternatives(std::string_view name, char sex) const {
  std::vector<std::string> out;
  auto it = by_key_.find(to_lower(name));
  if (it == by_key_.end()) return out;
  const std::string low = to_lower(name);
  for (int gi : it->second) {
    const auto& g = groups_[gi];
    if (g.sex != 'U' && sex != 'U' && g.sex != sex) continue;
    for (const auto& n : g.names)
      if (to_lower(n) != low && std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
  }
  return out;
}

const VariantIndex& nicknames() {
  static const VariantIndex v(parse_groups(kNicknameGroups));
  return v;
}
const VariantIndex& given_spellings() {
  static const VariantIndex v(parse_groups(kGivenSpellingGroups));
  return v;
}
const VariantIndex& surname_spellings() {
  static const VariantIndex v(parse_groups(kSurnameSpellingGroups));
  return v;
}

const std::vector<SimilarPair>& similar_pairs() {
  static const std::vector<SimilarPair> v = [] {
    std::vector<SimilarPair> out;
    for (const auto& item : split_list(kSimilarPairs, ';')) {
      const auto slash = item.find('/');
      SimilarPair p{item.substr(3, slash - 3), item.substr(slash + 1), item[0], item[1]};
      if (p.a != p.b) out.push_back(std::move(p));
    }
    return out;
  }();
  return v;
}

// ---------------------------------------------------------------- places
const std::vector<District>& districts() {
  static const std::vector<District> v = {
      {"HD1", 40, {"Huddersfield"}, false},
      {"HD2", 55, {"Huddersfield", "Fartown", "Deighton", "Bradley"}, false},
      {"HD3", 50, {"Huddersfield", "Lindley", "Outlane", "Salendine Nook"}, false},
      {"HD4", 50, {"Huddersfield", "Lockwood", "Netherton", "Crosland Moor"}, false},
      {"HD5", 45, {"Huddersfield", "Dalton", "Moldgreen", "Kirkheaton"}, false},
      {"HD6", 35, {"Brighouse", "Rastrick"}, false},
      {"HD7", 35, {"Golcar", "Slaithwaite", "Marsden", "Linthwaite"}, true},
      {"HD8", 30, {"Kirkburton", "Skelmanthorpe", "Denby Dale", "Shepley"}, true},
      {"HD9", 35, {"Holmfirth", "Honley", "Meltham", "Netherthong"}, true},
      {"WF12", 55, {"Dewsbury", "Thornhill", "Savile Town"}, false},
      {"WF13", 60, {"Dewsbury", "Ravensthorpe", "Westborough"}, false},
      {"WF14", 30, {"Mirfield"}, false},
      {"WF15", 30, {"Liversedge"}, false},
      {"WF16", 30, {"Heckmondwike"}, false},
      {"WF17", 70, {"Batley", "Birstall", "Staincliffe", "Heckmondwike"}, false},
      {"BD19", 35, {"Cleckheaton", "Gomersal", "Scholes"}, false},
      {"BD11", 15, {"Birkenshaw", "Drighlington"}, false},
      {"BD4", 20, {"Bradford", "Tong"}, false},
  };
  return v;
}

const Weighted& district_dist() {
  static const Weighted w = [] {
    std::vector<uint64_t> ws;
    for (const auto& d : districts()) ws.push_back(d.weight);
    return Weighted(ws);
  }();
  return w;
}

const std::vector<std::string>& street_stems() {
  static const std::vector<std::string> v = split_list(
      "Manchester, Leeds, Wakefield, Bradford, Halifax, Trinity, Fitzwilliam, Bank, Mill, Moor, "
      "Church, Chapel, Victoria, Albert, Park, Acre, Ash, Beech, Birch, Broad, Brook, Carr, "
      "Castle, Cedar, Clough, Crag, Croft, Cross, Dale, Delph, Elm, Fern, Field, Fold, Garden, "
      "Green, Hall, Hawthorn, Heath, Hey, Hill, Holly, Holme, Ings, Kirk, Lark, Lea, Lime, Low, "
      "Manor, Maple, Marsh, Meadow, New, Oak, Orchard, Pinfold, Quarry, Rose, Royd, School, "
      "Spring, Station, Stone, Tenter, Thorn, Valley, Wellington, Willow, Wood, York, Prospect, "
      "Primrose, Laburnum, Birkby, Crosland, Fartown, Lindley, Paddock, Lockwood, Almondbury, "
      "Dalton, Ravensthorpe, Thornhill, Savile, Healey, Staincliffe, Chidswell, Birstall, "
      "Gomersal, Purlwell, Soothill, Carlinghow, Scout Hill, Crackenedge, Wormald, Grange, "
      "Highfield, Westfield, Eastfield, Northfield, Fairfield, Greenside, Hillside, Moorside, "
      "Woodhouse, Thornton, Sycamore, Poplar, Rowan, Hazel, Alder, Larch, Heather, Bracken, "
      "Ridings, Calder, Colne, Holme Valley, Spen, Windy Bank, Cliffe, Nab End, Tofts, "
      "Lowerhouses");
  return v;
}

const std::vector<std::string>& street_types() {
  static const std::vector<std::string> v = split_list(
      "Street, Road, Lane, Avenue, Close, Drive, Crescent, Grove, Terrace, Way, Court, Gardens, "
      "Place, View, Rise, Walk, Fold, Bank, Mount, Street, Road, Lane, Street, Road");
  return v;
}

const std::vector<std::string>& house_names() {
  static const std::vector<std::string> v = split_list(
      "Rose Cottage, The Cottage, Ivy Cottage, Hillside, The Bungalow, Moorside, Fern Lea, "
      "Brookside, The Laurels, Woodlands, Hollin Barn, Croft House, Spring Farm, "
      "Lane End Cottage, Meadow View, Orchard House, Holly House, Top o' th' Hill, Low Farm, "
      "Laithe Cottage, Weavers Cottage, Mill House, Sunnyside, Greenbank, Fold Cottage, "
      "Stone Croft, Moor View, Heather Lea, The Old Chapel, Clough Head, Hey Farm, Nab End Barn, "
      "Bank Top, Owl Cottage, Sycamore Lodge, Willow Barn");
  return v;
}

namespace {
bool is_letter(char c) { return c >= 'A' && c <= 'Z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool in(std::string_view set, char c) { return set.find(c) != std::string_view::npos; }
}  // namespace

bool valid_postcode(std::string_view pc) {
  std::string s;
  for (char c : pc) {
    if (c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    s.push_back(c);
  }
  if (s.size() < 5 || s.size() > 7) return false;
  const std::string in_code = s.substr(s.size() - 3), out = s.substr(0, s.size() - 3);
  if (!is_digit(in_code[0]) || !in(kInwardLetters, in_code[1]) || !in(kInwardLetters, in_code[2]))
    return false;
  // Outward: A9, A99, A9A, AA9, AA99, AA9A, with BS 7666 letter rules.
  if (!is_letter(out[0]) || in("QVX", out[0])) return false;
  size_t i = 1;
  if (is_letter(out[1])) {
    if (in("IJZ", out[1])) return false;
    i = 2;
  }
  if (i >= out.size() || !is_digit(out[i])) return false;
  const std::string_view rest = std::string_view(out).substr(i + 1);
  if (rest.empty()) return true;
  if (rest.size() != 1) return false;
  if (is_digit(rest[0])) return true;
  return i == 1 ? in("ABCDEFGHJKPSTUW", rest[0]) : in("ABEHMNPRVWXY", rest[0]);
}

std::string random_postcode(Rng& rng, size_t district) {
  std::string pc = districts()[district].outward;
  pc.push_back(' ');
  pc.push_back(static_cast<char>('0' + rng.below(10)));
  pc.push_back(kInwardLetters[rng.below(kInwardLetters.size())]);
  pc.push_back(kInwardLetters[rng.below(kInwardLetters.size())]);
  return pc;
}

}  // namespace gen
