using System.Text;

namespace Bazaar.Catalog;

// Imported catalogues (Icecat) carry no category field, so the tree is derived from the product itself.
// The rules are tables, not code per product: category phrases (as Icecat writes them in titles and in
// attr_t_product_type, plus the capitalised synonyms free-text titles use), product-line names, and
// attribute signals. Candidates are tried in order of trust; the first that names a specific category
// wins, and one that only names an "Other ..." bucket is kept in case nothing later does better:
//   1. the phrase right after "<brand> <model>" in the title (Icecat's own title convention);
//   2. a phrase in the title's naming clauses: the head noun of the first clause that has one;
//   3. attr_t_product_type, read with the same phrases;
//   4. a product-line name ("EliteBook", "LaserJet"), only when the title names no category at all;
//   5. attribute signals (a toner page yield means a toner cartridge, a cable length some cable);
//   6. phrases in the title's specification clauses, then the looser attr_t_type;
//   7. otherwise "Everything Else > Other Products".
// The output depends only on the product, so re-imports place every product where they placed it before.
public sealed class CategoryClassifier
{
    // "Department > Category[ > Subcategory]: phrase, phrase, ...". Phrases are compared as lower-case
    // words with punctuation dropped, so "power adapter/inverter" also matches "Power Adapter Inverter";
    // a plural of the last word matches too. A category line with no phrases exists for signals only.
    private const string PhraseTable = """
        Computers > Laptops: notebook, notebook pc, laptop, chromebook, netbook, hybrid 2 in 1, mobile workstation, ultrabook, convertible notebook, mini notebook, tablet pc, notebook computer
        Computers > Desktop PCs: pc, desktop pc, desktop, all in one pc, all in one, mini pc, mini pc 3l, mini pc 3l barebone, minitower pc, tower pc, small form factor pc, sff pc, workstation, desktop workstation, thin client, pc barebone, nettop, microtower, minitower, microtower pc
        Computers > Servers: server, server barebone, rack server, tower server, blade server, storage server, server system
        Computers > Monitors: computer monitor, monitor, lcd monitor, led monitor, tft monitor, touch screen monitor, widescreen monitor, lcd widescreen monitor, flat panel monitor, crt monitor, lcd display, gaming monitor
        Computers > Handheld Computers: handheld mobile computer, handheld computer, pda, pocket pc
        Computers > Software: software, software license upgrade, general utility software, storage networking software, operating system, antivirus, license, licence
        Computers > Warranties & Services: warranty support extension, warranty, care pack, carepack, support extension, extended warranty, service pack, renewal, kyolife, e icard, subscription, onsite, on site, nbd, svc, hw supp, hw support, next business day, nextbusday, on site service, on site repair, pick up return, pick up and return, post warranty, annual on site service, next day, 4h, 9x5, 24x7, return to depot, service bundle, pickup and return, hardware support, hwsupp, support contract, std warranty, hwsup
        Computers > Other Computers
        Computer Components > Processors: processor, cpu, processors
        Computer Components > Motherboards: motherboard, desktop board, server workstation motherboard, server workstation board, mainboard, system board, server board, atx, micro atx, mini itx, lga 775, lga 1155, lga 1156, lga 1150, lga 1151, lga 2011, socket t, socket am3
        Computer Components > Memory (RAM): memory module, memory, ram, dimm, sodimm, so dimm, sdram, dram, ddr, ddr2, ddr3, ddr4, ddr sdram, ddr2 sdram, ddr3 sdram, ddr4 sdram, system specific memory, memory upgrade
        Computer Components > Graphics Cards: graphics card, video card, graphics adapter, graphic card, gddr6, gddr5, gddr3, gddr2, g sync card
        Computer Components > Power Supply Units: power supply unit, psu, power supply, power supplies, redundant power supply, hot plug power supply
        Computer Components > Computer Cases: computer case, chassis, computer case part, drive bay panel, tower case, pc case, superchassis, midi tower, full tower, mini tower, micro tower
        Computer Components > Cooling: computer cooling component, hardware cooling accessory, heat sink compound, computer liquid cooling, heatsink, heat sink, cpu cooler, cooler, fan, fan kit, thermal paste, thermal compound, paste, compound, thermal paste compound, case fan, fan guard
        Computer Components > Expansion Cards: interface cards adapter, interface card, adapter card, expansion card, controller card, raid controller, raid, raid card, slot expander, peripheral controller, audio card, sound card, expresscard, pci card, pci express card, pcie card, host bus adapter, development board accessory, hba
        Computer Components > Other Computer Components: component, components, spare part, spares and accessories
        Computer Accessories > Keyboards: keyboard, keyboards, numeric keypad, keypad, mobile device keyboard, kbd, keyboard cover, keyboard and mouse, keyboard mouse, desktop set
        Computer Accessories > Mice: mouse, mice, trackball, touch pad, touchpad, presenter mouse, optical mouse, wireless mouse
        Computer Accessories > Mouse Pads & Wrist Rests: mouse pad, mousepad, mouse mat, wrist rest, gel wrist rest, foot rest, footrest, wrist pillow, mouse wrist pillow
        Computer Accessories > Webcams: webcam, web camera, notebook webcam, web cam, pc camera, usb camera
        Computer Accessories > Laptop Bags & Cases: notebook case, notebook bag, laptop bag, laptop case, backpack, laptop backpack, sleeve, notebook sleeve, laptop sleeve, briefcase, messenger bag, carrying case, carry case, toploader, top loader, rolling case, peripheral device case, equipment case, neoprene sleeve, tote, shoulder bag
        Computer Accessories > Docking Stations: notebook dock port replicator, docking station, port replicator, dock, mobile device dock station, docking, expansion base, quickdock
        Computer Accessories > Laptop Parts: notebook spare part, notebook accessory, handheld mobile computer spare part, laptop battery, notebook battery, battery adapter, laptop keyboard, notebook keyboard, ac adapter kit
        Computer Accessories > Laptop & Monitor Stands: notebook stand, notebook cooling pad, cooling stand, laptop cooling stand, notebook cooling stand, laptop stand, laptop cooler, monitor stand, monitor riser, laptop riser, cooling pad, notebook riser
        Computer Accessories > Privacy Filters: display privacy filters, privacy filter, privacy filters, display privacy filter, privacy screen, monitor privacy filter, lcd monitor privacy filter, screen filter, anti glare filter, monitor filter
        Computer Accessories > Security Locks: cable lock, security lock, notebook lock, laptop lock, tablet security enclosure, security device components, lock, security cable, security slot, combination lock, keyed lock
        Computer Accessories > KVM Switches & Consoles: kvm switch, kvm, kvm console, rackmount lcd console, console switch, kvm extender, kvm cable, console, lcd console, console kvm switch, kvm extension cable, kvm cable kit, terminal server, console server
        Computer Accessories > USB Hubs & Card Readers: interface hub, usb hub, hub, card reader, smart card reader, memory card reader, smart card, usb 3 0 hub, usb 2 0 hub
        Computer Accessories > Presenters: wireless presenter, presenter, laser pointer, remote presenter
        Computer Accessories > Other Computer Accessories: input device accessory, computer accessory
        Storage & Memory > Internal Hard Drives: internal hard drive, hard drive, hard drives, hdd, hard disk, hard disk drive, sata hd kit, hd kit, hot swap hard drive, sas hard drive, desktop hard drive, notebook hard drive, serial ata, serial ata ii, serial ata iii, sas, nl sas, nearline sas, ultra ata, ultra ata 100, ultra320 scsi, eide ata, hs hd, sata, sata ii, sata iii, hot swap tray, hot swap hd
        Storage & Memory > Solid State Drives: internal solid state drive, ssd, solid state drive, m 2 ssd, flash storage, nvme, 3d tlc, mlc, tlc, 3d tlc nvme, 3d nand, qlc, slc
        Storage & Memory > External Storage & Enclosures: external hard drive, portable hard drive, external ssd, disk array, nas, storage drive enclosure, storage drive case, hdd enclosure, drive enclosure, storage enclosure, san, storage array, external hdd, hard drive carrier, hdd carrier, drive carrier, removable hdd carrier, hard drive docking station, hdd docking station
        Storage & Memory > USB Flash Drives: usb flash drive, flash drive, usb stick, usb drive, pen drive, usb memory stick, memory stick
        Storage & Memory > Memory Cards: memory card, sd card, sdhc, sdxc, microsd, micro sd, microsdhc, compactflash, compact flash, cf card, xd picture card, memory cards
        Storage & Memory > Optical Drives: optical disc drive, optical drive, dvd writer, dvd drive, dvd burner, blu ray drive, dvd rw drive, cd rw drive, dvd rom drive, dvd rom, super multi, supermulti
        Storage & Memory > Blank Media: blank, blank dvd, blank cd, blank cds, blank dvds, dvd r, dvd rw, dvd ram, cd r, cd rw, bd r, bd re, media spindle, spindle, blank blu ray, blu ray disc blank, bd r dl, dvd r dl, mini dv, video cassette, minidv, dv cassette
        Storage & Memory > Data Tapes: blank data tape, data tape, lto, lto ultrium, ultrium, data cartridge, magnetic tape cassette, dlt, dat cartridge, tape drive, tape autoloader, tape library, dat72, dds, dds 2, dds 3, dds 4, dat cleaning cartridge
        Printers & Ink > Printers: printer, printers, inkjet printer, laser printer, led printer, colour laser printer, color laser printer, mono laser printer, laser printers, photo printer, dot matrix printer, line matrix printer, multifunctional, multifunction printer, all in one printer, mfp, multifunction, laserjet printer, deskjet printer, business inkjet printer
        Printers & Ink > Large Format Printers: large format printer, plotter, wide format printer
        Printers & Ink > Label & Receipt Printers: label printer, label printers, pos printer, receipt printer, thermal printer, label maker, labelmanager, labelwriter, ticket printer, barcode printer
        Printers & Ink > Scanners: scanner, scanners, document scanner, flatbed scanner, photo scanner, sheetfed scanner, film scanner, barcode reader, barcode scanner, scanner transparency adapter, scanner accessory, endorser imprinter, carrier sheet
        Printers & Ink > Fax Machines: fax machine, fax, fax machines
        Printers & Ink > Printer Parts & Kits: printer kit, fuser, fuser kit, fuser unit, fuser assembly, printer fuser kit, maintenance kit, transfer kit, transfer belt, transfer unit, transfer roller, printer belt, belt unit, printer roller, roller kit, roller, rollers, separation pad, pickup roller, pick up roller, feed roller, exchange roller, fuser cleaning pad, fuser oil, printer cleaning, cleaning kit, filter kit, printer scanner spare part, printer scanner spare part battery, cleaning media, extension kit, adf roller, feed roller kit, charge roller, staple cartridge, corona charger, transfer charger
        Printers & Ink > Trays & Feeders: tray feeder, tray, trays, paper tray, sheet feeder, paper feeder, feeder, output stacker, stacker, duplex unit, duplexer, duplex, envelope feeder, finisher, mailbox, multi bin mailbox, sorter, paper cassette, input tray, output tray, high capacity feeder, high capacity input, sheet tray, bypass tray, paper drawer, sheet cassette, paper deck, stapler finisher, booklet maker, dual input, media drawer, specialty media drawer, sheet drawer, paper feeder unit
        Printers & Ink > Printer Accessories: printer cabinet stand, printer stand, printer cabinet, printer memory, printer emulation upgrade, language font, font, flash card, hard disk printer, printer hard drive, printer upgrade, bar code dimm, ipds, postscript, network card printer, printer accessory, printer accessories, caster base, wireless print server
        Printers & Ink > Toner Cartridges: toner cartridge, toner, toner cartridges, laser toner, toner kit, toner pack, std toner, high yield toner, toner bottle, toner refill, print cartridge toner
        Printers & Ink > Ink Cartridges: ink cartridge, ink cartridges, ink tank, ink, singlepack, multipack, ink bottle, ink refill, ink stick, ink sticks, ink cart, ink cartridge multipack, printhead cartridge, colorstix, inkjet print cartridge, inkjet print cartridges, ink print cartridge, print pack
        Printers & Ink > Drums & Imaging Units: printer drum, drum, drum unit, drum kit, drum cartridge, imaging unit, imaging drum, image drum, image unit, developer unit, developer, photoconductor, photoconductor unit, photoconductor kit, photo conductor, opc drum
        Printers & Ink > Print Heads: print head, printhead, printheads, print heads
        Printers & Ink > Waste Toner Containers: toner collector, waste toner container, waste toner box, waste toner bottle, waste toner, waste container, waste ink container, maintenance box, ink maintenance box
        Printers & Ink > Ribbons & Fax Supplies: printer ribbon, ribbon, ribbons, ribbon cartridge, fax supply, fax film, thermal transfer ribbon, imaging film, fax ribbon, fax cartridge, printing cartridge
        Printers & Ink > Other Printing Supplies: print cartridge, print cartridges, return program print cartridge
        Paper & Office Supplies > Photo Paper: photo paper, photo paper pack, photographic paper, photo media, glossy photo paper, semigloss photo paper, matte photo paper, satin photo paper, value photo paper, photo paper plus, luster photo paper, inkjet photo paper, photo card
        Paper & Office Supplies > Printing Paper: printing paper, paper, copy paper, bond paper, inkjet paper, laser paper, art paper, thermal paper, tractor feed paper, continuous paper, cardstock, card stock, coated paper, brochure paper, presentation paper, office paper, matte paper, multipurpose paper, premium paper, colour laser paper, fine art paper, envelope, envelopes
        Paper & Office Supplies > Large Format Media: large format media, plotter paper, canvas, studio canvas, banner, poster paper, backlit film, wide format media, roll, rolls, large format paper, heavyweight coated paper
        Paper & Office Supplies > Labels: label, labels, self adhesive label, printer label, printer labels, address labels, multi purpose labels, inkjet labels, file labels, marking tags, labels colour dots, non metallic nameplate, computer labels, labels continous, continuous labels, shipping labels, name badge labels, cd labels, dvd labels, colour dots, signal labels, sticker labels, round labels, etiketten, name badges, price labels, removable labels
        Paper & Office Supplies > Label Tapes: label making tape, label tape, label tapes, tze tape, tz tape, dk tape, label cassette, tape cassette, labelling tape, lettering tape, d1 tape, tape, tapes, label roll, label rolls, die cut labels, continuous tape, fabric iron on, iron on, permanent polyester, flexible nylon
        Paper & Office Supplies > Films & Printable Textiles: printing film, printable textile, transparency film, transparency, transparencies, film, films, adhesive cover film, self adhesive vinyl, film adhesive, iron on transfer, t shirt transfer, backlit, polyester film, vinyl, overhead transparency, transparent film
        Paper & Office Supplies > Calculators: calculator, calculators, pocket calculator, desktop calculator, scientific calculator, printing calculator, financial calculator, graphing calculator
        Paper & Office Supplies > Staplers & Hole Punches: stapler, staplers, staples, stapler unit, staple, hole punch, hole punch accessory, paper cutter, paper trimmer, punch, shredder, paper shredder, guillotine
        Paper & Office Supplies > Filing & Storage: ring binder, binder, binders, folder, folders, file storage box, storage box, storage tray, report cover, tab index, index, document holder, copyholder, copy holder, negative storage page, photo pockets, photo pocket, transparent photo pockets, sheet protector, punched pockets, pockets, file, document wallet, magazine file, optical disc storage box, cd case, dvd case, cd wallet, cd sleeve, letter tray, desk organizer, clipboard, organizer tray, desk tray
        Paper & Office Supplies > Laminating: laminator pouch, laminator pouches, laminating pouch, laminating pouches, lamination film, laminator, laminating film
        Paper & Office Supplies > Writing Supplies: writing notebook, notebook a4, notepad, felt pen, paint marker, marker, markers, pen, pens, pencil, correction ribbon, correction tape, highlighter, greeting sympathy card, scratch cards, whiteboard, dry erase board, notebook a5, notebook a6, wirebound notebook, notebook squared
        Paper & Office Supplies > Other Office Supplies
        Networking > Network Switches: network switch, switch, switches, gigabit switch, managed switch, unmanaged switch, smart switch, poe switch, network switch component, network switch module, ethernet switch, switch module, desktop switch, unmanaged, managed, managed l2, managed l3, web managed, l2, l3, gigabit ethernet 10 100 1000
        Networking > Routers & Access Points: wireless router, wired router, router, routers, access point, wireless access point, network extender, range extender, wifi extender, powerline network adapter, powerline, powerline adapter, tabletop router, portable router, modem, adsl modem, cable modem, gateway controller, gateway, mesh, wireless bridge, firewall, vpn router, wlan access point
        Networking > Network Adapters: networking card, network interface card, network card, nic, network adapter, ethernet adapter, remote management adapter, network management card, wireless adapter, wlan adapter, usb network adapter, lan adapter, wifi adapter, bluetooth adapter, network interface, networking adapter
        Networking > Media Converters & Transceivers: network media converter, media converter, network transceiver module, transceiver, transceiver module, sfp, sfp module, gbic, xfp, sfp transceiver, fiber converter, fibre converter, network splitter, ethernet extender, poe injector, poe adapter, injector, poe repeater
        Networking > Antennas: network antenna, antenna, antennas, antenna cable, wifi antenna, omni antenna
        Networking > Print Servers: print server, print servers, printserver, print server card, image express card
        Networking > Racks & Patch Panels: rack accessory, rack cabinet, rack, racks, network equipment chassis, power rack enclosure, rack shelf, rack mount, rack mount kit, rackmount kit, rack rail, rack rails, patch panel, patch panels, trim kit, blanking panel, wall mount rack, rack enclosure, open frame rack, server rack, cabinet rack, rack mounting kit, rail kit, rackmount, wall mounting bracket, keystone, keystone jack, wall plate, face plate, faceplate, modular jack, surface mount box, rear door, front door, split doors, perforated doors, door and frame assembly, side panel, side panels, top panel, roof, enclosure, extension frame, rack enclosure cabinet, server cabinet, server rack cabinet, keyboard shelf, keyboard drawer, rackmount bracket, rackmount brackets, rack bracket, rack brackets, patch panel bracket, bolt down kit, fan tray, roof fan tray, baying kit, shelf, cable trough, air containment, modular outlet, modular outlet set, keystone module, keystone insert, snap in keystone
        Networking > Network Tools & Testers: network analyser, network tester, cable tester, tool kit, crimp tool, crimper, punch down tool, installer tool kit, repair tool kit, toolkit, tester, stripper, cable stripper, stripping tool, screwdriver, screwdriver set, tool set, network tool set
        Networking > Security & Monitoring: security access control system, security camera, ip camera, network camera, cctv camera, video servers encoder, video server, video encoder, surveillance camera, nvr, dvr, leak sensor, sensor, environmental monitor, netbotz, camera pod, dome camera, camera housing, room monitor, netbotz appliance, wall appliance, motion sensor, temperature sensor, humidity sensor, temperature transmitter
        Networking > Other Networking
        Cables & Adapters > Network Cables: networking cable, network cable, networking cables, network cables, patch cable, patch cables, patch cord, patch cords, ethernet cable, crossover cable, utp cable, stp cable, cat5e cable, cat6 cable, cat5e patch cable, cat6 patch cable, cat 6 patch cable, cat 5e patch cable, snagless patch cable, lan cable, network patch cable, rj45 cable, bulk cable, telephone cable, rj11 cable, modular cable, cat6a cable, installation cable
        Cables & Adapters > Fibre Optic Cables: fibre optic cable, fiber optic cable, fibre optic cables, fiber optic cables, fiber patch cable, fibre patch cable, fiber cable, fibre cable, optical fiber cable, fiber optic patch cable, fibre optic patch cable, fiber patch cord, fiber optic mode conditioning patch cable, multimode fiber, mode conditioning cable, duplex fiber cable
        Cables & Adapters > Audio Cables: audio cable, audio cables, stereo cable, speaker cable, speaker wire, toslink, toslink cable, optical audio cable, digital audio cable, rca cable, audio adapter, audio adapter cable, stereo audio cable, spdif cable, xlr cable, microphone cable, audio extension cable, trs cable, pro audio cable, headphone extension cable, stereo adapter, mini jack cable, aux cable
        Cables & Adapters > Video Cables: video cable, video cables, vga cable, hdmi cable, dvi cable, displayport cable, s video cable, svideo cable, composite video cable, component video cable, monitor cable, monitor extension cable, signal cable, camera cable, scart cable, av cable, audio video cable, hd15 cable, mini displayport cable, dvi d cable, vga extension cable, hdmi extension cable, video extension cable, kvm switch cable, dvi kvm cable, monitor y cable, coax vga cable, high resolution vga cable, vga connection cable, dvi connection cable, hdmi connection cable, single link connection cable, dual link connection cable, scart connection cable, displayport connection cable, vga monitor cable
        Cables & Adapters > Coaxial Cables: coaxial cable, coaxial cables, coax cable, coax, bnc cable, antenna extension cable, rg6 cable, rg59 cable, rg58 cable, f type cable, satellite cable
        Cables & Adapters > USB & FireWire Cables: usb cable, usb cables, usb extension cable, usb 2 0 cable, usb 3 0 cable, usb c cable, usb a to b cable, usb a b cable, firewire cable, firewire 800 cable, 1394 cable, 1394b cable, lightning cable, mobile phone cable, thunderbolt cable, usb adapter cable, micro usb cable, mini usb cable, usb charge cable, usb sync cable, usb printer cable, usb hub cable, active usb extension cable, usb repeater cable, usb connection cable, usb b cable, usb a cable, micro b cable, mini b cable, usb extension
        Cables & Adapters > Data & Printer Cables: serial cable, parallel cable, null modem cable, sata cable, esata cable, scsi cable, ide cable, internal power cable, ribbon cable, daisychain cable, sas cable, sff cable, infiniband cable, data cable, molex cable, floppy cable, rs232 cable, db9 cable, db25 cable, serial adapter cable, console cable, rollover cable, cisco console cable, stacking cable, adapter cable, ps 2 cable, serial ata cable, sata to sata cable, slot plate, header slot plate, printer cable, parallel printer cable, centronics cable, ieee 1284 cable
        Cables & Adapters > Power Cables: power cable, power cables, power cord, power cords, power cord splitter, iec cable, iec power cord, power extension cord, power extension cable, extension cord, y cable power, c13 cable, c14 cable, power lead, mains cable, power splitter, power y cable, computer power cord, power cord lead cable, lead cable
        Cables & Adapters > Cable Adapters & Converters: cable interface gender adapter, gender changer, gender adapter, adapter, adapters, converter, video adapter, hdmi adapter, dvi adapter, vga adapter, displayport adapter, usb adapter, usb c adapter, serial adapter, ps 2 adapter, dongle, coaxial connector, connector, connectors, wire connector, wire connectors, converter cable, video converter, usb to serial adapter, modular adapter, coupler, rj45 coupler, plug, plugs, jack adapter, splitter, headset adapter, adapter ring, audio converter, display adapter, port adapter, travel adapter, converter adapter, video adapter cable, signal converter
        Cables & Adapters > Cable Management: cable tie, cable ties, cable clamp, cable clamps, cable organizer, cable protector, cable management, cable sleeve, cable tidy, cable clip, cable clips, cable manager, cable tray, cable cover, velcro, cable wrap, cable management panel, cable management arm, cable duct, cable holder, hook and loop
        Cables & Adapters > Other Cables: cable, cables, cord, extension cable, cable kit, cable assembly, connection cable, y cable
        Power > UPS: uninterruptible power supply, ups, uninterruptible power supplies, line conditioner, voltage regulator, isolation transformer, ups battery, replacement battery cartridge, rbc, battery backup, ups battery cabinet, storage device backup battery, power conditioner, automatic voltage regulator, ups system, smart ups, back ups, online ups, transfer switch, automatic transfer switch, ups accessory, battery pack ups, network management card ups, battery cabinet, external battery cabinet, external battery pack
        Power > Power Distribution Units: power distribution unit, pdu, power distribution units, switched pdu, metered pdu, basic pdu, rack pdu, switchboard equipment
        Power > Surge Protectors & Power Strips: surge protector, surge protectors, surge suppressor, power extension, power strip, power strips, power plug adapter, power plug, outlet, outlets, power bar, extension socket, multi socket, multiple socket, socket outlet, isobar, surgearrest, protector
        Power > Power Adapters & Chargers: power adapter inverter, power adapter inverter indoor, ac adapter, ac adapters, power adapter, power adapters, inverter, battery charger, charger, chargers, notebook charger, laptop charger, dc adapter, universal adapter, car adapter, power inverter, adapter ac, auto air adapter, notebook power adapter, universal power adapter, mains adapter
        Power > Batteries: household battery, household batteries, battery, batteries, rechargeable battery, rechargeable batteries, alkaline battery, battery pack, aa battery, aaa battery, button cell, coin cell, lithium battery, battery tester, accu, single use battery, power accu, industrial battery
        Power > Other Power Products
        Audio & Video > Headphones & Headsets: headphones headset, headphones, headphone, headset, headsets, earphones, earphone, earbuds, in ear headphones, headphone pillow, earhook headphones, stereo headphones, wireless headphones, dj headphones, bluetooth headset, neckband headphones, over ear headphones, on ear headphones, gaming headset, noise cancelling headphones, ear cushions, ear pads
        Audio & Video > Speakers: loudspeaker, loudspeakers, speaker, speakers, speaker set, portable speaker, stereo portable speaker, soundbar speaker, soundbar, docking speaker, speaker bar, speaker system, pc speakers, bluetooth speaker, subwoofer, wireless speaker, speaker dock, multimedia speakers, lcd speaker bar, docking entertainment system
        Audio & Video > Audio Players & Radios: radio, radios, portable radio, clock radio, home audio set, home cinema system, home theater system, cassette player, audio player, digital media player, mp3 player, mp4 player, cd player, audio module, car media receiver, alarm clock, micro system, mini system, hi fi system, docking system, amplifier, av receiver, audio video player, turntable, boombox, dictaphone, voice recorder, media player, microphone, microphones, audio mixer, home theatre system, dvd home theatre system, home theater
        Audio & Video > DVD & Blu-ray Players: dvd player, dvd players, blu ray disc player, blu ray player, portable dvd player, dvd recorder, blu ray recorder, dvd hdd recorder, video player
        Audio & Video > TVs & Displays: signage display, tv, tvs, television, lcd tv, led tv, plasma tv, public display, large format display, smart tv, tv set, touch display, video wall
        Audio & Video > Projectors: data projector, projector, projectors, desktop projector, ceiling mounted projector, video projector, portable projector, short throw projector, dlp projector, lcd projector, home cinema projector, pico projector
        Audio & Video > Projector Lamps: projector lamp, projector lamps, replacement lamp, projection lamp, lamp module, projector bulb, lamp
        Audio & Video > Projector Screens & Accessories: projection screen, projection screens, projector screen, projector mount accessory, project mount, projector mount, projector ceiling mount, projection lens, projector accessory, projector lens, projector extension pole, projector bracket, screen, projector case, projector bag, air filter, projector air filter
        Audio & Video > Mounts & Brackets: flat panel mount accessory, flat panel wall mount, flat panel desk mount, flat panel ceiling mount, flat panel floor stand, flat panel accessory, flat panel mount arm, flat screen desk mount, flat screen wall mount, flat screen ceiling mount, flat screen floor stand, tv mount, tv wall mount, tv bracket, monitor arm, monitor mount, monitor arms, desk mount, wall mount, wall mounts, ceiling mount, floor stand, tv stand, pole, extension pole, pole clamp, mounting kit, mounting bracket, mount, mounts, vesa adapter, monitor bracket, swing arm, gas spring, display mount, tv cart, tv trolley, trolley, bracket, brackets, table stand, monitor table stand, toolbar, flat screen toolbar, cpu holder, cpu desk mount, wallmount, flexarm, vesa
        Audio & Video > Remote Controls: remote control, remote controls, universal remote control, tv remote
        Audio & Video > Video Switches & Extenders: video splitter, video switch, av matrix switcher, video switcher, hdmi switch, hdmi splitter, vga splitter, dvi splitter, video extender, hdmi extender, vga extender, video wall controller, video capturing device, video capture, video capture card, video distribution amplifier, matrix switch, video scaler, av extender, signal extender, av switch, receiver, transmitter, repeater, video repeater, extender, long range receiver, av transmitter, av repeater
        Audio & Video > Other Audio & Video
        Cameras & Optics > Cameras & Camcorders: compact camera, digital camera, camera, cameras, camcorder, camcorders, slr camera, dslr camera, bridge camera, action camera, system camera, mirrorless camera, instant camera, film camera, digital slr, video camera
        Cameras & Optics > Camera Lenses: camera lens, camera lenses, lens, lenses, telephoto lens, wide angle lens, zoom lens, macro lens, prime lens, wide converter, tele converter, teleconverter, converter lens, fisheye lens, slr lens, telephoto, wide converter lens, conversion lens
        Cameras & Optics > Lens Accessories: camera lens adapter, lens adapter, camera lens filter, lens filter, filter, filters, uv filter, polarizing filter, nd filter, lens cap, lens caps, lens hood, lens hoods, extension tube, close up lens, step up ring, lens cover, lens case, lens pouch
        Cameras & Optics > Camera Bags & Cases: camera case, camera bag, camera cases, camera bags, underwater camera housing, underwater camera housing accessory, camera holster, camera backpack, soft case, camera pouch, hard case, strap, camera strap, neck strap, hand strap, wrist strap, compact case, shoulder case
        Cameras & Optics > Camera Accessories: camera kit, camera remote control, camera flash accessory, flash, flash unit, speedlite, speedlight, camera flash, tripod, tripods, monopod, camera camcorder battery, eyepiece accessory, eyepiece, battery grip, viewfinder, camera charger, remote switch, remote controller, remote cord, cable release, angle finder, eyecup, diffuser, ring light, video light, macro flash, flash bracket, flash adapter, hot shoe adapter, focusing screen, camera adapter, dc coupler, camera battery, battery charger camera, camera accessory, tele extender
        Cameras & Optics > Binoculars & Scopes: binocular, binoculars, telescope, monocular, spotting scope, rangefinder, microscope
        Cameras & Optics > Digital Photo Frames: digital photo frame, digital photo frames, photo frame, photoframe
        Cameras & Optics > Other Camera Accessories
        Phones & Tablets > Smartphones: smartphone, smartphones, mobile phone, mobile phones, cell phone, feature phone, dect phone, telephone, cordless phone, ip phone, voip phone, conference phone, handset, dual sim, hybrid dual sim, single sim, dual sim 4g
        Phones & Tablets > Tablets & E-readers: tablet, tablets, e book reader, ebook reader, e reader, android tablet
        Phones & Tablets > Phone & Tablet Cases: mobile phone case, mobile phone cases, phone case, tablet case, tablet cases, e book reader case, mobile phone faceplate, faceplate phone, flip case, folio case, folio, smartphone case, tablet cover, book cover, bumper, jacket, portable game console case, pouch, holster, navigator case
        Phones & Tablets > Chargers & Power Banks: mobile device charger, mobile device chargers, power bank, power banks, car charger, wireless charger, charging station, charging cradle, charging dock, charging cart, cradle, usb charger, travel charger, wall charger
        Phones & Tablets > Screen Protectors: screen protector, screen protectors, screen protection, screen guard, tempered glass, protective film
        Phones & Tablets > Smartwatches & Fitness Trackers: smartwatch, smartwatches, smart watch, activity tracker, activity trackers, fitness tracker, sport watch, smart band
        Phones & Tablets > Mobile Accessories: stylus pen, styluses, stylus pens, handheld device accessory, handheld device accessories, navigator, navigator mount, gps, gps navigator, car holder, phone holder, selfie stick, mobile device holder, smartphone holder, mobile phone accessory, tablet stand, tablet holder, sim card, mobile accessory, gps case
        Phones & Tablets > Other Phone Accessories
        Home & Kitchen > Coffee Machines: coffee maker, coffee makers, drip coffee maker, pod coffee machine, espresso machine, coffee machine, coffee machines, milk frother, coffee maker part accessory, coffee grinder, capsule machine, filter coffee machine, senseo, espresso maker, descaler, coffee maker accessory, fully auto coffee machine
        Home & Kitchen > Kitchen Appliances: blender, blenders, tabletop blender, hand blender, stand blender, blender accessory, electric kettle, kettle, toaster, food processor, bread maker, slow cooker, deep fryer, fryer, air fryer, contact grill, grill, microwave, hob, cooker, grater, salt pepper grinder set, grinder, electric knife, electric citrus press, citrus press, pan set, juicer, juice extractor, mixer, hand mixer, stand mixer, chopper, rice cooker, sandwich maker, waffle maker, steamer, food steamer, soup maker, pasta maker, egg cooker, scale, kitchen scale, kitchen appliance, multicooker, yoghurt maker, ice cream maker, kitchen machine, cookware, oven, waffle iron, raclette, fondue, grill pan
        Home & Kitchen > Large Appliances: washing machine, washer dryer, tumble dryer, fridge freezer, fridge, refrigerator, side by side refrigerator, dishwasher, fridge part accessory, cooker hood, built in oven, wine cooler, chest freezer, upright freezer
        Home & Kitchen > Vacuum Cleaners: handheld vacuum, robot vacuum, vacuum, vacuum cleaner, vacuum cleaners, vacuum accessory supply, exhaust filter, vacuum bag, dust bag, dust bags, stick vacuum, bagless vacuum, hepa filter, vacuum filter, floor nozzle, vacuum cleaner accessory, s bag
        Home & Kitchen > Irons & Garment Care: steam ironing station, steam iron, iron, irons, garment steamer, ironing station, steam generator iron, dry iron, lint remover, ironing board, steam generator, pressurised steam generator
        Home & Kitchen > Home Comfort & Water: household fan, fan heater, heater, air purifier, humidifier, dehumidifier, air conditioner, water filter, water filter supply, water filter cartridge, water purifier, on tap purifier, filter cartridge, garden pond fountain, air cleaner, desk fan, tower fan, pedestal fan
        Home & Kitchen > Lighting: light bulb, light bulbs, halogen bulb, halogen lamp, fluorescent bulb, fluorescent lamp, led bulb, led lamp, energy saving lamp, cfl, bulb, bulbs, car light bulb, car headlight bulb, headlight bulb, lighting, torch, flashlight, led light, night light, desk lamp, table lamp, floor lamp, ceiling lamp, spotlight, led strip, ultraviolet, spot light, outdoor spot light, wake up light
        Home & Kitchen > Car & Travel Accessories: car roof rack accessory, roof rack, roof box, bicycle carrier, bike carrier, car mount, car kit, car holder kit, car accessory, luggage, suitcase, trolley bag, travel bag, duffel bag, car seat
        Home & Kitchen > Other Home & Kitchen
        Health & Beauty > Shavers & Trimmers: shaver, shavers, electric shaver, men s shaver, mens shaver, women s shaver, womens shaver, ladyshave, beard trimmer, hair trimmers clipper, hair trimmer, hair clipper, hair clippers, hairclipper, body groomer shaver, body groomer, precision trimmer, shaver accessory, hair trimmer accessory, men s razor, mens razor, razor, razors, nose trimmer, multigroom, grooming kit, trimmer, shaving head, shaving heads, shaver head, shaver heads, shaving unit, foil, cutter, bodygroom, shaving conditioner, shaving foam, shaving gel
        Health & Beauty > Hair Care: hair dryer, hair dryers, hairdryer, hair styling tool, hair styling tools, hair rollers, hair straightener, straightener, curling iron, hair curler, hot air brush, styler, airstyler, multi styler, hair brush, hair styler, straightening iron, hair straightening iron
        Health & Beauty > Hair Removal: epilator, epilators, light depilation, ipl, ipl hair removal, hair removal
        Health & Beauty > Oral Care: electric toothbrush, sonic toothbrush, toothbrush, toothbrushes, oral irrigator, toothbrush heads, toothbrush head, brush heads, brush head, sonicare, power toothbrush, air floss, airfloss, flosser
        Health & Beauty > Beauty & Wellness: makeup manicure case, manicure set, pedicure set, manicure, pedicure, facial cleansing brush, facial brush, massager, massage, body scale, bathroom scale, personal scale, thermometer, blood pressure monitor, beauty set, cosmetic bag, sauna, nail polish set, mirror, cosmetic mirror, nail care, infrared lamp, baby monitor, baby thermometer
        Health & Beauty > Other Health & Beauty
        Toys & Games > Dolls & Accessories: doll, dolls, doll accessory, doll accessories, doll clothes, doll clothes set, doll dress, doll shoes, doll chair, doll diapers, doll diaper bag, doll sleeping bag, doll swimwear, doll travel seat, bicycle doll seat, doll hair styling set, baby born, doll house, dollhouse, doll pram, doll stroller, pushchair, baby doll, fashion doll, clothes set, dress set
        Toys & Games > Playsets & Figures: toy animals, toy animal, toy elephant, children toy figure set, toy figure, toy figures, figure set, stuffed toy, stuffed toys, plush toy, plush, soft toy, playset, playsets, play set, playhouse, play house, playhouse letterbox, playhouse flag, playhouse phone, playhouse binoculars, play tent, toy vehicle, toy car, toy truck, furniture set, action figure, play kitchen
        Toys & Games > Puzzles & Board Games: jigsaw puzzle, jigsaw puzzles, puzzle, puzzles, board game, board games, card game, card games, game, games, pieces, 3d puzzle, brain teaser, dice, chess, party game, strategy game, quiz game, family game
        Toys & Games > Arts & Crafts: kids art craft kit, kids craft kit, kids art craft kits, craft kit, kids knitting set, knitting set, kids jewellery making kit, jewellery making kit, iron on beads, beads, washable finger paint, finger paint, water based paint, paint, paints, sticker book, decorative sticker, stickers, sticker, kids dry erase board pad, crayon, crayons, colour pencil, colour pencils, coloured pencils, modelling clay, play dough, dough, clay, art set, painting set, colouring book, drawing board, craft set, creative set, loom, sand art, glitter
        Toys & Games > Learning & Baby Toys: learning toy, learning toys, motor skills toy, motor skills toys, kids electronic, kids electronics, baby toy, educational toy, rattle, activity toy, bath toy, stacking toy, baby gym, shape sorter, musical toy, kids tablet, kids laptop
        Toys & Games > Video Games & Consoles: video game, video games, portable game console, game console, gaming console, games console, game controller, gamepad, joystick, steering wheel, racing wheel, console game, handheld game console
        Toys & Games > Outdoor & Ride-ons: self balancing scooter, hoverboard, scooter, kick scooter, e scooter, balance bike, ride on, ride on toy, tricycle, trampoline, swing, sandbox, water gun, kite, outdoor toy, bicycle, skateboard
        Toys & Games > Other Toys
        Everything Else > Other Products
        """;

    // Product-line names ("EliteBook", "LaserJet") say what a product is only when its title names nothing
    // else: "Xerox Maintenance Kit Phaser 5500" is a kit, "HP LaserJet M9050 600 x 600 DPI" a printer.
    private const string ProductLineTable = """
        Computers > Laptops: elitebook, probook, thinkpad, ideapad, thinkbook, latitude, inspiron, vostro, zenbook, vivobook, travelmate, macbook, presario, compaq nc, compaq nx, pavilion dv
        Computers > Desktop PCs: thinkcentre, ideacentre, optiplex, elitedesk, prodesk, veriton, thinkstation, compaq dc
        Printers & Ink > Printers: laserjet, officejet, deskjet, workcentre, phaser, imagerunner, pixma
        Printers & Ink > Large Format Printers: designjet
        Computer Components > Graphics Cards: radeon, quadro, geforce, firegl
        Phones & Tablets > Smartphones: 4g, galaxy a, moto g, p smart
        Phones & Tablets > Tablets & E-readers: galaxy tab
        """;

    // "Department > Category: signal, signal, ...". A signal is an attribute key (as stored: without its
    // attr_x_ prefix), or key~word, true when that key's text contains the word, or several joined with
    // "+" that must all hold. Lines are tried in order; the first line with a signal that holds wins.
    private const string SignalTable = """
        Phones & Tablets > Smartphones: sim_card_type + mobile_network_generation, sim_card_type + rear_camera_type
        Printers & Ink > Label & Receipt Printers: type~pos printer, type~label printer, type~receipt printer
        Computers > Laptops: processor_family + display_diagonal + battery_technology, processor_family + pointing_device
        Computers > Desktop PCs: processor_family + chassis_type, processor_family + operating_system_installed
        Computer Components > Motherboards: motherboard_form_factor, number_of_dimm_slots + processor_socket
        Computers > Monitors: display_diagonal + response_time, pixel_pitch + display_diagonal
        Printers & Ink > Printers: maximum_resolution + print_technology, print_speed__black__normal_quality__a4_us_letter_ + print_technology
        Printers & Ink > Toner Cartridges: black_toner_page_yield, colour_toner_page_yield, toner_page_yield, cyan_toner_page_yield, magenta_toner_page_yield, yellow_toner_page_yield, printing_colours + print_technology~laser
        Printers & Ink > Ink Cartridges: black_ink_volume, colour_ink_volume, black_ink_page_yield, colour_ink_page_yield, ink_type, print_cartridge_volume__metric_, colour_ink_cartridges_quantity, black_ink_cartridges_quantity, printing_colours + print_technology~inkjet
        Printers & Ink > Drums & Imaging Units: drum_page_yield, drum_life, imaging_unit_page_yield
        Paper & Office Supplies > Labels: labels_per_pack, labels_per_sheet, labels_per_roll
        Paper & Office Supplies > Printing Paper: media_sheets_per_package, paper_weight
        Cables & Adapters > Fibre Optic Cables: fibre_type, fiber_type, fiber_optic_cable_type, connector_1~lc + cable_length, connector_1~sc + cable_length, connector_1~st + cable_length, connector_1~mtrj
        Cables & Adapters > Network Cables: connector_1~rj 45 + cable_length, cable_standard~cat5e, cable_standard~cat6, cable_standard~cat6a, cable_standard~cat5, cable_standard~cat7
        Cables & Adapters > Video Cables: connector_1~hdmi + cable_length, connector_1~vga + cable_length, connector_1~dvi + cable_length, connector_1~displayport + cable_length, connector_1~d sub + cable_length, connector_1~s video + cable_length, connector_1~hd15 + cable_length, connector_1~hd 15 + cable_length
        Cables & Adapters > USB & FireWire Cables: connector_1~usb + cable_length, connector_1~firewire + cable_length, connector_1~ieee 1394 + cable_length, connector_1~lightning + cable_length
        Cables & Adapters > Audio Cables: connector_1~3 5mm + cable_length, connector_1~rca + cable_length, connector_1~toslink, connector_1~xlr + cable_length, connector_1~6 35mm + cable_length
        Cables & Adapters > Power Cables: connector_1~c13, connector_1~c14, connector_1~c19, connector_1~c20, connector_1~nema, connector_1~cee, connector_1~iec, connector_1~schuko, connector_1~bs 1363
        Cables & Adapters > Coaxial Cables: connector_1~bnc + cable_length, connector_1~coax + cable_length, connector_1~f type + cable_length
        Cables & Adapters > Data & Printer Cables: connector_1~db9 + cable_length, connector_1~db25 + cable_length, connector_1~sata + cable_length, connector_1~serial + cable_length, connector_1~sas + cable_length, connector_1~centronics, connector_1~db 9 + cable_length, connector_1~db 25 + cable_length, connector_1~molex
        Cables & Adapters > Cable Adapters & Converters: connector_1 + connector_2 + connector_gender
        Cables & Adapters > Other Cables: cable_length
        Networking > Network Switches: switch_type, basic_switching_rj_45_ethernet_ports_quantity
        Storage & Memory > Internal Hard Drives: hdd_capacity, hdd_speed, hdd_size
        Storage & Memory > Solid State Drives: ssd_capacity
        Computers > Warranties & Services: number_of_years, next_business_day__nbd_, service_type
        Cameras & Optics > Camera Lenses: lens_structure__elements_groups_, closest_focusing_distance, magnification + component_for
        Cameras & Optics > Lens Accessories: filter_size
        Cameras & Optics > Binoculars & Scopes: magnification
        Power > UPS: battery_backup_time, ups_topology, output_power_capacity__va_
        Toys & Games > Playsets & Figures: recommended_age__min_, recommended_age__max_
        Printers & Ink > Other Printing Supplies: print_technology, compatibility~printer, compatibility~laserjet, compatibility~phaser, compatibility~workcentre, compatibility~officejet, compatibility~pixma, compatibility~stylus
        Audio & Video > Other Audio & Video: screen_size_compatibility, vesa_mounting
        Computers > Other Computers: compatible_operating_systems
        """;

    private static readonly string[] ClauseBreaks = [" for ", " with ", " w/", " f/ ", " f ", " - ", " – ", " — ", ", ", " (", ")", ": ", " compatible ", " incl", " + ", ". "];

    private static readonly HashSet<string> MeasureUnits =
    [
        "cm", "mm", "m", "ft", "in", "inch", "gb", "mb", "tb", "kb", "ghz", "mhz", "hz", "w", "wh", "mah", "v", "dpi",
        "ppm", "pages", "sheets", "g", "kg", "l", "ml", "pcs", "x", "mbit", "gbit", "rpm", "awg", "pin", "pixels", "lm",
    ];

    private readonly PhraseIndex _phrases = new();
    private readonly PhraseIndex _productLines = new();
    private readonly List<(DerivedCategory Leaf, SignalCondition[] Conditions)> _signals = [];
    private readonly List<DerivedCategory> _nodes = [];

    public static CategoryClassifier Default { get; } = new();

    private CategoryClassifier()
    {
        var byPath = new Dictionary<string, DerivedCategory>(StringComparer.Ordinal);
        foreach (var (leaf, items) in ReadTable(PhraseTable, byPath)) _phrases.Add(leaf, items);
        foreach (var (leaf, items) in ReadTable(ProductLineTable, byPath)) _productLines.Add(leaf, items);
        _phrases.AddPlurals();
        _productLines.AddPlurals();

        foreach (var (leaf, items) in ReadTable(SignalTable, byPath))
        {
            foreach (var item in items)
            {
                var conditions = item.Split('+', StringSplitOptions.TrimEntries).Select(condition =>
                {
                    var parts = condition.Split('~', 2, StringSplitOptions.TrimEntries);
                    return new SignalCondition(parts[0], parts.Length == 2 ? string.Join(' ', Words(parts[1])) : null);
                });
                _signals.Add((leaf, conditions.ToArray()));
            }
        }

        _nodes.AddRange(byPath.Values);
        AssignSlugs(_nodes);
        Fallback = byPath["Everything Else > Other Products"];
    }

    // Every node of the tree, parents before children, in table order.
    public IReadOnlyList<DerivedCategory> Nodes => _nodes;

    public DerivedCategory Fallback { get; }

    public CategoryPlacement Classify(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);

        // A phrase that lands in an "Other ..." bucket ("cable", "print cartridge") is kept only when no
        // later rule knows better.
        CategoryPlacement? weak = null;
        foreach (var placement in Candidates(product))
        {
            if (!placement.Leaf.IsOther) return placement;
            weak ??= placement;
        }
        return weak ?? new(Fallback, PlacementRule.Fallback);
    }

    // What a shopper's words name, read with the phrases titles are read with: "laptop lock" is a lock (the
    // phrase that ends furthest right in the first clause), "toner for hp printers" toner, "thinkpad" (a product
    // line) a laptop. Null when they name nothing, or only an "Other ..." bucket.
    public DerivedCategory? ClassifyQuery(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var clause in Clauses(text))
        {
            var words = Words(clause);
            if (words.Count == 0) continue;
            if (_phrases.FindHead(words) is { } named) return named.IsOther ? null : named;
            break;
        }
        return _productLines.FindHead(Words(text)) is { IsOther: false } line ? line : null;
    }

    // Whether the product's most trustworthy evidence names this leaf: the phrase right after its model, its own
    // product type, its product line, or an attribute signal. A title keyword alone does not: it is where an
    // accessory *for* a thing gets placed as the thing ("Sandberg FireWire for Laptop", "Monitor & Laptop
    // Mounting Arm" sit in Laptops), so search rewards a confirmed type more than a merely derived one.
    public bool Confirms(string sku, string slug, string brand, string model, string title,
        IEnumerable<(string Key, string Name, string Text)> textAttributes, DerivedCategory leaf)
    {
        // Readers outside the catalogue (search) hold a product's text, not its entity: the same test on that text.
        var product = new Product { Sku = sku, Slug = slug, Brand = brand, Model = model, Title = title };
        product.Attributes.AddRange(textAttributes
            .Select(a => new ProductAttribute { Key = a.Key, Name = a.Name, Kind = AttributeKind.Text, Text = a.Text }));
        return Confirms(product, leaf);
    }

    internal bool Confirms(Product product, DerivedCategory leaf)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentNullException.ThrowIfNull(leaf);
        return AfterModel(product) == leaf || ProductType(product, "product_type") == leaf
            || InTitle(product, _productLines, TitlePart.Whole) == leaf
            || _signals.FirstOrDefault(s => s.Conditions.All(c => c.HoldsFor(product))).Leaf == leaf;
    }

    // The derived leaf with this path ("Computers > Laptops"), or null when the tree has none.
    public DerivedCategory? FindLeaf(string path) => _nodes.FirstOrDefault(n => n.Path == path);

    private IEnumerable<CategoryPlacement> Candidates(Product product)
    {
        if (AfterModel(product) is { } phrased) yield return new(phrased, PlacementRule.TitlePhrase);
        var keyword = InTitle(product, _phrases, TitlePart.Naming);
        if (keyword is not null) yield return new(keyword, PlacementRule.TitleKeyword);
        if (ProductType(product, "product_type") is { } typed) yield return new(typed, PlacementRule.ProductType);
        if (keyword is null && InTitle(product, _productLines, TitlePart.Whole) is { } line)
            yield return new(line, PlacementRule.ProductLine);

        foreach (var (leaf, conditions) in _signals)
        {
            if (conditions.All(c => c.HoldsFor(product)))
            {
                yield return new(leaf, leaf.IsOther ? PlacementRule.Fallback : PlacementRule.AttributeSignal);
                break;
            }
        }

        // "... 4 GB DDR3-SDRAM 160 GB SSD" lists a system's parts, not what the product is.
        if (InTitle(product, _phrases, TitlePart.Specifications) is { } part) yield return new(part, PlacementRule.TitleKeyword);

        // attr_t_type is looser still: "HDD", "Staples pack", "Hand mixer", but "PC" on laptops too.
        if (ProductType(product, "type") is { } loosely) yield return new(loosely, PlacementRule.ProductType);
    }

    private DerivedCategory? ProductType(Product product, string key) =>
        Attribute(product, key)?.Text is { Length: > 0 } type ? _phrases.FindHead(Words(type)) : null;

    // Icecat titles read "<brand> [<family>] <model> <category phrase> <specs>", so the words right after
    // the model are the most trustworthy place to look; only a phrase at their very start counts.
    private DerivedCategory? AfterModel(Product product)
    {
        var model = product.Model.Trim();
        if (model.Length == 0) return null;
        var title = product.Title;
        var at = 0;
        while ((at = title.IndexOf(model, at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var end = at + model.Length;
            var startsWord = at == 0 || title[at - 1] == ' ';
            if (startsWord && end < title.Length && title[end] == ' ') return _phrases.FindPrefix(Words(title[end..]));
            at = end;
        }
        return null;
    }

    // Free-text titles ("StarTech.com USB to PS/2 Keyboard and Mouse Converter Adapter - M/F") put the head
    // noun at the end of a clause, before qualifiers ("for ...", "with ...", "- ..."), and spec-laden ones
    // put it before the first measure ("... Notebook Black 39.6 cm"). So clauses are read in order, each
    // first up to its first measure and then whole; the rightmost phrase of the first clause with one wins.
    // A later clause that opens with a measure ("1920 x 1080 pixels ...") lists specifications.
    private static DerivedCategory? InTitle(Product product, PhraseIndex index, TitlePart part)
    {
        var title = product.Title.Replace(PackSuffix, " ", StringComparison.OrdinalIgnoreCase);
        if (product.Brand.Length > 0 && title.StartsWith(product.Brand, StringComparison.OrdinalIgnoreCase))
            title = title[product.Brand.Length..];
        var first = true;
        foreach (var clause in Clauses(title))
        {
            var words = Words(clause);
            var measure = FirstMeasure(words);
            var isSpecification = !first && measure == 0;
            first = false;
            if (words.Count == 0 || (part == TitlePart.Naming && isSpecification) || (part == TitlePart.Specifications && !isSpecification))
                continue;
            var found = (measure > 0 ? index.FindHead(words[..measure]) : null) ?? index.FindHead(words);
            if (found is not null) return found;
        }
        return null;
    }

    private enum TitlePart
    {
        Naming,
        Specifications,
        Whole,
    }

    private static IEnumerable<string> Clauses(string title)
    {
        var start = 0;
        while (start < title.Length)
        {
            var end = title.Length;
            var separatorLength = 0;
            foreach (var separator in ClauseBreaks)
            {
                var i = title.IndexOf(separator, start, StringComparison.OrdinalIgnoreCase);
                if (i >= start && i < end) (end, separatorLength) = (i, separator.Length);
            }
            yield return title[start..end];
            start = end + separatorLength;
        }
    }

    private const string PackSuffix = "pc(s)";

    private static ProductAttribute? Attribute(Product product, string key) => product.Attributes.Find(a => a.Key == key);

    private sealed record SignalCondition(string Key, string? Word)
    {
        public bool HoldsFor(Product product)
        {
            var attribute = Attribute(product, Key);
            return attribute is not null
                && (Word is null || $" {string.Join(' ', Words(attribute.Text ?? ""))} ".Contains($" {Word} ", StringComparison.Ordinal));
        }
    }

    // Where the specifications start: "39 6 cm", "210x297 mm", "128gb", "2 x 4".
    private static int FirstMeasure(List<string> words)
    {
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            if (!char.IsAsciiDigit(word[0])) continue;
            var digits = word.TakeWhile(char.IsAsciiDigit).Count();
            var suffix = word[digits..];
            if (suffix.Length > 1 && MeasureUnits.Contains(suffix)) return i;
            var isNumber = suffix.Length == 0 || (suffix[0] == 'x' && suffix[1..].All(char.IsAsciiDigit));
            if (isNumber && i + 1 < words.Count && MeasureUnits.Contains(words[i + 1])) return i;
        }
        return -1;
    }

    private static IEnumerable<(DerivedCategory Leaf, string[] Items)> ReadTable(string table, Dictionary<string, DerivedCategory> byPath)
    {
        foreach (var raw in table.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var path = (colon < 0 ? line : line[..colon]).Split('>', StringSplitOptions.TrimEntries);
            var items = colon < 0 ? [] : line[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            yield return (Node(path, byPath), items);
        }
    }

    private static DerivedCategory Node(string[] path, Dictionary<string, DerivedCategory> byPath)
    {
        DerivedCategory? parent = null;
        for (var depth = 0; depth < path.Length; depth++)
        {
            var key = string.Join(" > ", path.Take(depth + 1));
            if (!byPath.TryGetValue(key, out var node))
            {
                var position = byPath.Values.Count(n => n.Parent == parent);
                node = new DerivedCategory(path[depth], parent, position);
                byPath.Add(key, node);
            }
            parent = node;
        }
        return parent!;
    }

    // A category takes the slug of its name; where two share a name, each is prefixed with its parent's
    // slug, so the storefront URLs stay short and stable between imports.
    private static void AssignSlugs(List<DerivedCategory> nodes)
    {
        var clashes = nodes.GroupBy(n => Slug.From(n.Name)).Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
        foreach (var node in nodes)
        {
            var own = Slug.From(node.Name);
            node.Slug = clashes.Contains(node) && node.Parent is not null ? $"{node.Parent.Slug}-{own}" : own;
        }
        var duplicate = nodes.GroupBy(n => n.Slug).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"Category slug '{duplicate.Key}' is used twice.");
    }

    private static string Plural(string phrase)
    {
        if (phrase.EndsWith('s') || phrase.EndsWith('x') || phrase.EndsWith("ch", StringComparison.Ordinal) || phrase.EndsWith("sh", StringComparison.Ordinal))
            return phrase + "es";
        if (phrase.EndsWith('y') && phrase.Length > 1 && !"aeiou".Contains(phrase[^2], StringComparison.Ordinal))
            return phrase[..^1] + "ies";
        return phrase + "s";
    }

    // Phrases as space-joined lower-case words, looked up by n-gram.
    private sealed class PhraseIndex
    {
        private readonly Dictionary<string, DerivedCategory> _leaves = new(StringComparer.Ordinal);
        private readonly Dictionary<string, DerivedCategory> _plurals = new(StringComparer.Ordinal);
        private int _longest;

        public void Add(DerivedCategory leaf, string[] items)
        {
            foreach (var item in items)
            {
                var phrase = string.Join(' ', Words(item));
                if (phrase.Length == 0) continue;
                if (!_leaves.TryAdd(phrase, leaf))
                    throw new InvalidOperationException($"Category phrase '{phrase}' is listed twice.");
                // "pc" must not also match "pcs", the pack-size unit.
                if (phrase.Length > 2) _plurals.TryAdd(Plural(phrase), leaf);
                _longest = Math.Max(_longest, phrase.Count(c => c == ' ') + 1);
            }
        }

        // A listed phrase wins over another phrase's plural.
        public void AddPlurals()
        {
            foreach (var (plural, leaf) in _plurals) _leaves.TryAdd(plural, leaf);
        }

        // The longest phrase the words start with.
        public DerivedCategory? FindPrefix(List<string> words)
        {
            for (var n = Math.Min(_longest, words.Count); n > 0; n--)
            {
                if (_leaves.TryGetValue(string.Join(' ', words.Take(n)), out var leaf)) return leaf;
            }
            return null;
        }

        // The phrase that ends furthest right; of those ending at the same word, the longest.
        public DerivedCategory? FindHead(List<string> words)
        {
            for (var end = words.Count; end > 0; end--)
            {
                for (var start = Math.Max(0, end - _longest); start < end; start++)
                {
                    if (_leaves.TryGetValue(string.Join(' ', words.Skip(start).Take(end - start)), out var leaf)) return leaf;
                }
            }
            return null;
        }
    }

    // Lower-case words with punctuation dropped; Icecat's "pc(s)" pack suffix is not the word "pc".
    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text.Replace(PackSuffix, " ", StringComparison.OrdinalIgnoreCase))
        {
            if (char.IsLetterOrDigit(c)) word.Append(char.ToLowerInvariant(c));
            else if (c is '\'' or '’') continue;
            else if (word.Length > 0) { words.Add(word.ToString()); word.Clear(); }
        }
        if (word.Length > 0) words.Add(word.ToString());
        return words;
    }
}

// A node of the derived tree; becomes a Category row on import.
public sealed class DerivedCategory(string name, DerivedCategory? parent, int position)
{
    public string Name { get; } = name;
    public DerivedCategory? Parent { get; } = parent;
    public int Position { get; } = position;
    public string Slug { get; internal set; } = "";
    public bool IsOther => Name.StartsWith("Other ", StringComparison.Ordinal);
    public string Path => Parent is null ? Name : $"{Parent.Path} > {Name}";
}

public enum PlacementRule
{
    TitlePhrase,
    TitleKeyword,
    ProductType,
    ProductLine,
    AttributeSignal,
    Fallback,
}

public sealed record CategoryPlacement(DerivedCategory Leaf, PlacementRule Rule);
